// R130: an Auto Scaling group whose subnets (or zones) are all proven to be in one
// Availability Zone.
#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

STACKLINT_CHECK(R130) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* group :
       ctx.tmpl.resources_of_type("AWS::AutoScaling::AutoScalingGroup")) {
    // A cluster placement group must stay in one zone (R134); any other placement group is no
    // excuse, but an unknown one may be a cluster.
    if (group->property("PlacementGroup") != nullptr) {
      PlacementGroupOf placement_group = placement_group_of(ctx.resolver, *group);
      if (placement_group.group == nullptr || placement_group.strategy == "cluster") continue;
    }
    std::optional<std::vector<graph::Placement>> placements = network.placements(*group);
    if (!placements) continue;
    graph::ZoneSpread spread = graph::spread_of(*placements);
    if (spread.one_zone() != Truth::True) continue;
    PresentProperty list = first_present(*group, {"VPCZoneIdentifier", "AvailabilityZones"});
    bool subnets = list.name == "VPCZoneIdentifier";
    Finding& finding = ctx.report(
        *group, list.node,
        "Auto Scaling group " + group->id + " launches instances only in " +
            spread.zones[0].label() +
            ": when that zone fails, the group can neither keep nor replace its instances. " +
            (subnets ? "List subnets of at least two Availability Zones in VPCZoneIdentifier."
                     : "List at least two Availability Zones in AvailabilityZones."),
        "Properties/" + list.name);
    note_placements(finding, *placements);
  }
}

}  // namespace stacklint::rules
