// R121: a load balancer (ELBv2 or classic) whose subnets (or zones) are all proven to be in
// one Availability Zone.
#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

STACKLINT_CHECK(R121) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource& balancer : ctx.tmpl.resources()) {
    bool v2 = balancer.type == "AWS::ElasticLoadBalancingV2::LoadBalancer";
    if (!v2 && balancer.type != "AWS::ElasticLoadBalancing::LoadBalancer") continue;
    std::optional<std::vector<graph::Placement>> placements = network.placements(balancer);
    if (!placements) continue;
    graph::ZoneSpread spread = graph::spread_of(*placements);
    if (spread.one_zone() != Truth::True) continue;
    PresentProperty list =
        first_present(balancer, {"Subnets", "SubnetMappings", "AvailabilityZones"});
    std::string note_for_alb;
    if (v2) {
      graph::Value type = ctx.resolver.property(balancer, "Type");
      if (type.is_absent() ||
          (type.kind == graph::ValueKind::Scalar && type.text == "application")) {
        note_for_alb =
            " An Application Load Balancer needs subnets in at least two zones: AWS "
            "rejects this one.";
      }
    }
    Finding& finding = ctx.report(
        balancer, list.node,
        "Load balancer " + balancer.id + " is only in " + spread.zones[0].label() +
            ": when that zone fails, it stops serving even if targets elsewhere are healthy." +
            note_for_alb + " Give it a subnet in each of at least two Availability Zones.",
        "Properties/" + list.name);
    note_placements(finding, *placements);
  }
}

}  // namespace stacklint::rules
