// R103: a Lambda function attached to a VPC whose subnets have no default route to a NAT
// gateway or NAT instance: it cannot reach the internet or public AWS endpoints.
#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

namespace {

// Two VpcId values name different VPCs: two references to different resources, or two
// different literal ids.
bool different_vpcs(const graph::Value& a, const graph::Value& b) {
  if (a.kind != b.kind || a.is_choice()) return false;
  if (a.kind == graph::ValueKind::ResourceRef) return a.text != b.text;
  return a.kind == graph::ValueKind::Scalar && a.text != b.text;
}

}  // namespace

STACKLINT_CHECK(R103) {
  const graph::Network& network = ctx.network();
  // A VPC with endpoints is designed for private access to AWS services: a function without
  // NAT there may well be deliberate.
  std::vector<graph::Value> endpoint_vpcs;
  for (const graph::Resource* endpoint : ctx.tmpl.resources_of_type("AWS::EC2::VPCEndpoint")) {
    endpoint_vpcs.push_back(ctx.resolver.property(*endpoint, "VpcId"));
  }
  for (const graph::Resource& function : ctx.tmpl.resources()) {
    if (function.type != "AWS::Lambda::Function" && function.type != "AWS::Serverless::Function") {
      continue;
    }
    std::optional<std::vector<graph::Placement>> placements = network.placements(function);
    if (!placements || placements->empty()) continue;
    std::vector<graph::DefaultRoute> routes;
    bool proven = true;
    for (const graph::Placement& placement : *placements) {
      if (placement.subnet == nullptr) {
        proven = false;
        break;
      }
      graph::DefaultRoute route = network.subnet_default_route(*placement.subnet);
      // An internet gateway does not help: a function's network interfaces get no public IP.
      if (route.egress != graph::Egress::None && route.egress != graph::Egress::InternetGateway) {
        proven = false;
        break;
      }
      graph::Value vpc = ctx.resolver.property(*placement.subnet, "VpcId");
      for (const graph::Value& endpoint_vpc : endpoint_vpcs) {
        if (!different_vpcs(vpc, endpoint_vpc)) proven = false;
      }
      if (!proven) break;
      routes.push_back(route);
    }
    if (!proven) continue;
    graph::Value subnet_ids = ctx.resolver.property(function, "VpcConfig.SubnetIds");
    Finding& finding = ctx.report(
        function, subnet_ids.node,
        "Lambda function " + function.id +
            " runs in VPC subnets with no route for 0.0.0.0/0 through a NAT gateway or NAT "
            "instance: it cannot reach the internet or public AWS APIs (an internet gateway does "
            "not help, the function gets no public IP). Place it in private subnets that route "
            "0.0.0.0/0 to a NAT gateway, or add VPC endpoints for every service it calls.",
        "Properties/VpcConfig/SubnetIds");
    for (size_t i = 0; i < routes.size(); ++i) {
      const graph::Resource& subnet = *(*placements)[i].subnet;
      const graph::DefaultRoute& route = routes[i];
      if (route.egress == graph::Egress::InternetGateway) {
        note(finding, route.target_node,
             "subnet " + subnet.id + "'s route table " + route.route_table->id +
                 " sends 0.0.0.0/0 to an internet gateway");
      } else {
        note(finding, route.route_table->key,
             "subnet " + subnet.id + "'s route table " + route.route_table->id +
                 " has no route for 0.0.0.0/0");
      }
    }
  }
}

}  // namespace stacklint::rules
