// S202: security group ingress from anywhere (0.0.0.0/0 or ::/0) that covers SSH (22) or RDP
// (3389), inline in AWS::EC2::SecurityGroup or as AWS::EC2::SecurityGroupIngress.
#include <algorithm>
#include <array>

#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/network_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;

struct AdminPort {
  int port;
  std::string_view name;
};
constexpr std::array<AdminPort, 2> kAdminPorts = {{{22, "SSH"}, {3389, "RDP"}}};

// Whether a TCP rule's port range covers `port` (a negative FromPort is not a TCP range).
Truth range_covers(const Value& from, const Value& to, int port) {
  Truth low = number_is(from, Truth::Unknown, [&](double n) { return n >= 0 && n <= port; });
  Truth high = number_is(to, Truth::Unknown, [&](double n) { return n >= port; });
  return graph::all_of(low, high);
}

// A group that only managed network interfaces use: load balancers listen on their listener
// ports alone, Lambda functions accept no inbound connections, EFS mount targets serve NFS and
// VPC endpoints HTTPS, so an open 22 or 3389 reaches nothing.
bool only_managed_interfaces_use(const graph::Template& tmpl, const Resource& group) {
  static constexpr std::array<std::string_view, 6> kManaged = {
      "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "AWS::ElasticLoadBalancing::LoadBalancer",
      "AWS::Lambda::Function",
      "AWS::Serverless::Function",
      "AWS::EFS::MountTarget",
      "AWS::EC2::VPCEndpoint"};
  bool managed = false;
  for (uint32_t index : tmpl.edges_to(group)) {
    const graph::Edge& edge = tmpl.edges()[index];
    if (edge.from.section != graph::Section::Resource) return false;
    const std::string& type = tmpl.resources()[edge.from.index].type;
    if (std::find(kManaged.begin(), kManaged.end(), type) != kManaged.end()) {
      managed = true;
    } else if (type != "AWS::EC2::SecurityGroupIngress" &&
               type != "AWS::EC2::SecurityGroupEgress" && type != "AWS::EC2::SecurityGroup") {
      return false;
    }
  }
  return managed;
}

// One ingress rule (an inline item, or a SecurityGroupIngress resource's properties).
void check_rule(CheckContext& ctx, const Resource& resource, const Value& rule,
                const std::string& group_name, const load::Node* group_node) {
  Value cidr4 = rule.get("CidrIp");
  Value cidr6 = rule.get("CidrIpv6");
  Truth open4 = text_in(cidr4, {"0.0.0.0/0"});
  Truth open6 = text_in(cidr6, {"::/0"});
  if (graph::any_of(open4, open6) != Truth::True) return;
  Value protocol = rule.get("IpProtocol");
  Truth all = text_in(protocol, {"-1"}, Truth::Unknown);
  std::string what;
  if (all == Truth::True) {
    what = "all traffic, including SSH (22) and RDP (3389),";
  } else {
    if (graph::any_of(all, text_in(protocol, {"tcp", "TCP", "6"}, Truth::Unknown)) != Truth::True) {
      return;
    }
    for (const AdminPort& admin : kAdminPorts) {
      if (range_covers(rule.get("FromPort"), rule.get("ToPort"), admin.port) != Truth::True) {
        continue;
      }
      if (!what.empty()) what += " and ";
      what += std::string(admin.name) + " (port " + std::to_string(admin.port) + ")";
    }
    if (what.empty()) return;
  }
  bool v4 = open4 == Truth::True;
  const Value& cidr = v4 ? cidr4 : cidr6;
  const char* key = v4 ? "CidrIp" : "CidrIpv6";
  Finding& finding = ctx.report(
      resource, data::locate(resource, cidr, data::written(rule, key)),
      group_name + " allows " + what + " from " + (v4 ? "0.0.0.0/0" : "::/0") +
          ": anyone on the internet can try to log in. Allow only your administration network "
          "(or a bastion's security group), or use Session Manager and close the port.",
      key);
  if (group_node != nullptr) note(finding, group_node, "the rule belongs to " + group_name);
  // Through a parameter: show the default that opens it, so the user sees what to change.
  for (const graph::Parameter& parameter : ctx.tmpl.parameters()) {
    if (parameter.default_value != nullptr && parameter.default_value == cidr.node) {
      note(finding, cidr.node, std::string("the default of parameter ") + parameter.id);
    }
  }
}

}  // namespace

STACKLINT_CHECK(S202) {
  const graph::Resolver& resolver = ctx.resolver;
  for (const Resource* group : ctx.tmpl.resources_of_type("AWS::EC2::SecurityGroup")) {
    // A whole list chosen by Fn::If may not be deployed: only a plain list is proven.
    Value rules = resolver.property(*group, "SecurityGroupIngress");
    if (rules.kind != graph::ValueKind::List || only_managed_interfaces_use(ctx.tmpl, *group))
      continue;
    for (const Value& rule : rules.items) {
      check_rule(ctx, *group, rule, "Security group " + group->id, nullptr);
    }
  }
  for (const Resource* ingress : ctx.tmpl.resources_of_type("AWS::EC2::SecurityGroupIngress")) {
    const Resource* group = resolver.referenced_resource(resolver.property(*ingress, "GroupId"));
    if (group != nullptr && only_managed_interfaces_use(ctx.tmpl, *group)) continue;
    std::string name = group != nullptr
                           ? "Ingress " + ingress->id + " of security group " + group->id
                           : "Ingress " + ingress->id;
    check_rule(ctx, *ingress, resolver.resolve(ingress->properties), name,
               group != nullptr ? group->key : nullptr);
  }
}

}  // namespace stacklint::rules
