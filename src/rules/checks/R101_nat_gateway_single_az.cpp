// R101: a NAT gateway is the default route of subnets in other Availability Zones, so those
// zones lose egress when the NAT gateway's zone fails. Follows Subnet -> association -> route
// table -> Route (NatGatewayId) -> NAT gateway -> its subnet -> zone.
#include <map>
#include <set>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

using graph::Resource;

struct ServedSubnet {
  const Resource* subnet;
  graph::Zone zone;
  graph::DefaultRoute route;
};

}  // namespace

STACKLINT_CHECK(R101) {
  const graph::Network& network = ctx.network();
  // By NAT gateway (template order): the subnets of other zones it serves.
  std::map<uint32_t, std::vector<ServedSubnet>> served;
  for (const Resource* subnet : ctx.tmpl.resources_of_type("AWS::EC2::Subnet")) {
    graph::DefaultRoute route = network.subnet_default_route(*subnet);
    if (route.egress != graph::Egress::NatGateway || route.target == nullptr) continue;
    const Resource* nat_subnet = network.subnet_of(*route.target);
    if (nat_subnet == nullptr) continue;
    std::optional<graph::Zone> zone = network.subnet_zone(*subnet);
    std::optional<graph::Zone> nat_zone = network.subnet_zone(*nat_subnet);
    if (!zone || !nat_zone || graph::same_zone(*zone, *nat_zone) != Truth::False) continue;
    served[ctx.tmpl.index_of(*route.target)].push_back({subnet, *zone, route});
  }
  for (const auto& [index, subnets] : served) {
    const Resource& nat = ctx.tmpl.resources()[index];
    const Resource* nat_subnet = network.subnet_of(nat);
    graph::Zone nat_zone = *network.subnet_zone(*nat_subnet);
    std::vector<std::string> names;
    for (const ServedSubnet& s : subnets)
      names.push_back(s.subnet->id + " (" + s.zone.label() + ")");
    Finding& finding = ctx.report(
        nat, nullptr,
        "NAT gateway " + nat.id + " in " + nat_zone.label() + " is the default route of " +
            (subnets.size() == 1 ? "subnet " : "subnets ") + join_names(names) +
            (subnets.size() == 1 ? " in another Availability Zone"
                                 : " in other Availability Zones") +
            ": when " + nat_zone.label() + " fails, " +
            (subnets.size() == 1 ? "it loses" : "they lose") +
            " internet egress too. Create a NAT gateway in each zone and route "
            "each private subnet to the one in its own zone.");
    note_zone(finding, nat_zone, "NAT gateway " + nat.id + "'s subnet " + nat_subnet->id,
              nat_subnet->key);
    std::set<const Resource*> routes_noted;
    for (const ServedSubnet& s : subnets) {
      if (routes_noted.insert(s.route.route).second) {
        note(finding, s.route.target_node,
             "route " + s.route.route->id + " of route table " + s.route.route_table->id +
                 " sends 0.0.0.0/0 to " + nat.id);
      }
      note_zone(finding, s.zone, "subnet " + s.subnet->id, s.subnet->key);
    }
  }
}

}  // namespace stacklint::rules
