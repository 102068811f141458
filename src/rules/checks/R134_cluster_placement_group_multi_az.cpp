// R134: an Auto Scaling group or instances in a cluster placement group, placed in two or more
// proven-different Availability Zones: a cluster placement group lives in one zone.
#include <map>
#include <unordered_map>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

struct FirstInstance {
  const graph::Resource* instance;
  graph::Zone zone;
};

}  // namespace

STACKLINT_CHECK(R134) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* group :
       ctx.tmpl.resources_of_type("AWS::AutoScaling::AutoScalingGroup")) {
    PlacementGroupOf placement_group = placement_group_of(ctx.resolver, *group);
    if (placement_group.strategy != "cluster") continue;
    std::optional<std::vector<graph::Placement>> placements = network.placements(*group);
    if (!placements || graph::spread_of(*placements).one_zone() != Truth::False) continue;
    PresentProperty list = first_present(*group, {"VPCZoneIdentifier", "AvailabilityZones"});
    Finding& finding = ctx.report(
        *group, list.node,
        "Auto Scaling group " + group->id + " uses cluster placement group " +
            placement_group.group->id +
            " but spans several Availability Zones: a cluster placement group lives in one "
            "zone, so launches outside it fail. Keep the group in the subnets of one zone, or "
            "use a spread or partition placement group.",
        "Properties/" + list.name);
    note(finding, placement_group.named_at,
         "placement group " + placement_group.group->id + " (strategy cluster)");
    note_placements(finding, *placements);
  }

  // Instances: the first one with a proven zone in each group and zone form sets the zone;
  // a later one proven elsewhere is reported.
  std::unordered_map<const graph::Resource*, std::map<std::string, FirstInstance>> first;
  for (const graph::Resource* instance : ctx.tmpl.resources_of_type("AWS::EC2::Instance")) {
    PlacementGroupOf placement_group = placement_group_of(ctx.resolver, *instance);
    if (placement_group.strategy != "cluster") continue;
    std::optional<graph::Zone> zone = network.zone_of_resource(*instance);
    if (!zone) continue;
    std::string space = std::to_string(static_cast<int>(zone->form)) + ":" +
                        (zone->form == graph::Zone::Form::Index ? zone->region : "");
    auto [it, inserted] =
        first[placement_group.group].try_emplace(space, FirstInstance{instance, *zone});
    if (inserted || graph::same_zone(it->second.zone, *zone) != Truth::False) continue;
    std::optional<std::vector<graph::Placement>> placements = network.placements(*instance);
    Finding& finding = ctx.report(
        *instance, placements && !placements->empty() ? (*placements)[0].node : nullptr,
        "Instance " + instance->id + " is in cluster placement group " + placement_group.group->id +
            " but in " + zone->label() + ", while instance " + it->second.instance->id +
            " of the same group is in " + it->second.zone.label() +
            ": a cluster placement group lives in one zone, so this launch fails. Put all its "
            "instances in one zone, or use a spread or partition placement group.");
    note_zone(finding, it->second.zone, "instance " + it->second.instance->id,
              it->second.instance->key);
    note(finding, placement_group.named_at,
         "placement group " + placement_group.group->id + " (strategy cluster)");
  }
}

}  // namespace stacklint::rules
