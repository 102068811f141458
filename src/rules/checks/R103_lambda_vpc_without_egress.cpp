// R103: a Lambda function attached to a VPC whose subnets have no default route to a NAT
// gateway or NAT instance: it cannot reach the internet or public AWS endpoints.
#include <optional>
#include <unordered_map>
#include <vector>

#include "rules/check.h"
#include "rules/checks/data_rules.h"
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

// Whether one egress rule's destination is proven off the internet: a private range (RFC 1918,
// RFC 6598, link-local, loopback, IPv6 unique local), a range inside the VPC's own blocks, or
// another security group. A prefix list may hold public ranges: unknown.
Truth private_destination(const graph::Value& rule, const std::vector<graph::Cidr>& vpc_blocks) {
  if (data::is_present(rule.get("DestinationSecurityGroupId")) == Truth::True) return Truth::True;
  if (data::is_present(rule.get("DestinationPrefixListId")) != Truth::False) return Truth::Unknown;
  Truth result = Truth::True;
  bool any = false;
  for (const char* key : {"CidrIp", "CidrIpv6"}) {
    graph::Value cidr = rule.get(key);
    if (cidr.is_absent()) continue;
    any = true;
    result = graph::all_of(result, graph::for_all_alternatives(cidr, [&](const graph::Value& v) {
                             if (v.kind != graph::ValueKind::Scalar) return Truth::Unknown;
                             std::optional<graph::Cidr> parsed = graph::parse_cidr(v.text);
                             if (!parsed) return Truth::Unknown;
                             if (parsed->is_private()) return Truth::True;
                             for (const graph::Cidr& block : vpc_blocks) {
                               if (block.contains(*parsed)) return Truth::True;
                             }
                             return Truth::False;
                           }));
  }
  return any ? result : Truth::Unknown;
}

// Whether every security group of the function lets traffic out only to private destinations
// (peered VPCs, a transit gateway's networks, VPC endpoints): then a NAT gateway would carry
// nothing, and no route to one is missing. A group the template does not define, or one
// without SecurityGroupEgress (EC2 then adds "all traffic to 0.0.0.0/0"), is taken as open,
// as the rule did before it looked at groups.
// Standalone AWS::EC2::SecurityGroupEgress rules by the group they name (template index), and
// those whose group the template does not resolve (they may name any group).
struct StandaloneEgress {
  std::unordered_map<uint32_t, std::vector<const graph::Resource*>> by_group;
  std::vector<const graph::Resource*> unresolved;
};

// `unresolved` is what the standalone rules of unknown groups allow (True: only private
// destinations; Unknown otherwise, as they may name another group).
Truth egress_only_private(CheckContext& ctx, const StandaloneEgress& standalone, Truth unresolved,
                          const graph::Resource& function,
                          const std::vector<graph::Cidr>& vpc_blocks) {
  const graph::Resolver& resolver = ctx.resolver;
  graph::Value groups = resolver.property(function, "VpcConfig.SecurityGroupIds");
  if (groups.kind != graph::ValueKind::List || groups.items.empty()) return Truth::False;
  Truth all = unresolved;
  for (const graph::Value& item : groups.items) {
    const graph::Resource* group = resolver.referenced_resource(item);
    if (group == nullptr || group->type != "AWS::EC2::SecurityGroup") return Truth::False;
    graph::Value egress = resolver.property(*group, "SecurityGroupEgress");
    all = graph::all_of(all, graph::for_all_alternatives(egress, [&](const graph::Value& list) {
                          if (list.is_absent()) return Truth::False;
                          if (list.kind != graph::ValueKind::List) return Truth::Unknown;
                          if (list.items.empty()) return Truth::False;
                          Truth rules = Truth::True;
                          for (const graph::Value& rule : list.items) {
                            rules = graph::all_of(rules, private_destination(rule, vpc_blocks));
                          }
                          return rules;
                        }));
    // Standalone egress rules that name the group, or may.
    auto named = standalone.by_group.find(ctx.tmpl.index_of(*group));
    if (named != standalone.by_group.end()) {
      for (const graph::Resource* extra : named->second) {
        all = graph::all_of(all,
                            private_destination(resolver.resolve(extra->properties), vpc_blocks));
      }
    }
    if (all == Truth::False) return all;
  }
  return all;
}

// The SubnetIds key under VpcConfig, as the docs promise; else where the value is written.
const load::Node* subnet_ids_key(const graph::Resource& function, const load::Node* fallback) {
  const load::Node* config = function.property("VpcConfig");
  if (config != nullptr && config->is_mapping()) {
    for (const load::Pair& pair : config->pairs) {
      if (pair.key->text == "SubnetIds") return pair.key;
    }
  }
  return fallback;
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
  StandaloneEgress standalone;
  std::unordered_map<const graph::Resource*, Truth> unresolved_by_vpc;
  for (const graph::Resource* extra : ctx.tmpl.resources_of_type("AWS::EC2::SecurityGroupEgress")) {
    const graph::Resource* target =
        ctx.resolver.referenced_resource(ctx.resolver.property(*extra, "GroupId"));
    if (target == nullptr) {
      standalone.unresolved.push_back(extra);
    } else {
      standalone.by_group[ctx.tmpl.index_of(*target)].push_back(extra);
    }
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
    // Egress limited to private destinations needs no NAT.
    std::vector<graph::Cidr> vpc_blocks;
    const graph::Resource* vpc = network.vpc_of(*(*placements)[0].subnet);
    if (vpc != nullptr) {
      for (const graph::VpcBlock& block : network.vpc_blocks(*vpc)) {
        if (std::optional<graph::Cidr> cidr = graph::ipv4_cidr(block.cidr))
          vpc_blocks.push_back(*cidr);
      }
    }
    // Standalone rules of unknown groups, once per VPC.
    auto cached = unresolved_by_vpc.find(vpc);
    if (cached == unresolved_by_vpc.end()) {
      Truth unresolved = Truth::True;
      for (const graph::Resource* extra : standalone.unresolved) {
        Truth rule = private_destination(ctx.resolver.resolve(extra->properties), vpc_blocks);
        unresolved = graph::all_of(unresolved, graph::any_of(rule, Truth::Unknown));
        if (unresolved != Truth::True) break;  // Unknown stays Unknown
      }
      cached = unresolved_by_vpc.emplace(vpc, unresolved).first;
    }
    if (egress_only_private(ctx, standalone, cached->second, function, vpc_blocks) != Truth::False)
      continue;
    graph::Value subnet_ids = ctx.resolver.property(function, "VpcConfig.SubnetIds");
    Finding& finding = ctx.report(
        function, subnet_ids_key(function, subnet_ids.node),
        "Lambda function " + function.id +
            (routes.size() == 1 ? " runs in a VPC subnet" : " runs in VPC subnets") +
            " with no route for 0.0.0.0/0 through a NAT gateway or NAT instance: it cannot reach "
            "the internet or public AWS APIs (an internet gateway does "
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
