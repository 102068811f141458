// R102: a public NAT gateway in a subnet whose route table has no default route to an internet
// gateway: the NAT gateway can never reach the internet.
#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

STACKLINT_CHECK(R102) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* nat : ctx.tmpl.resources_of_type("AWS::EC2::NatGateway")) {
    // A private NAT gateway needs no internet gateway; absent means public.
    graph::Value connectivity = ctx.resolver.property(*nat, "ConnectivityType");
    Truth is_public = graph::for_all_alternatives(connectivity, [](const graph::Value& v) {
      if (v.is_absent()) return Truth::True;
      if (v.kind != graph::ValueKind::Scalar) return Truth::Unknown;
      return v.text == "public" ? Truth::True : Truth::False;
    });
    if (is_public != Truth::True) continue;
    const graph::Resource* subnet = network.subnet_of(*nat);
    if (subnet == nullptr) continue;
    const graph::Resource* association = nullptr;
    const graph::Resource* table = network.route_table_of(*subnet, &association);
    if (table == nullptr) continue;
    graph::DefaultRoute route = network.default_route(*table);
    std::string where;
    if (route.egress == graph::Egress::None) {
      where = "has no route for 0.0.0.0/0";
    } else if (route.egress == graph::Egress::NatGateway) {
      where = "sends 0.0.0.0/0 to a NAT gateway, not to an internet gateway";
    } else {
      continue;
    }
    Finding& finding = ctx.report(
        *nat, nat->property("SubnetId"),
        "NAT gateway " + nat->id + " is in subnet " + subnet->id + ", whose route table " +
            table->id + " " + where +
            ": a public NAT gateway there can never reach the internet, so the private subnets "
            "that route to it have no egress. Put the NAT gateway in a public subnet (one whose "
            "route table sends 0.0.0.0/0 to an internet gateway).",
        "Properties/SubnetId");
    note(finding, association->property("RouteTableId"),
         "subnet " + subnet->id + " uses route table " + table->id + " here");
    if (route.route != nullptr) {
      note(finding, route.target_node, "route " + route.route->id + " of " + table->id);
    }
  }
}

}  // namespace stacklint::rules
