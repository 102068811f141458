// S202: security group ingress from anywhere (0.0.0.0/0 or ::/0, compared as parsed networks,
// so every spelling counts) that covers SSH (22) or RDP (3389), inline in
// AWS::EC2::SecurityGroup or as AWS::EC2::SecurityGroupIngress.
#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>
#include <vector>

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

// A port as written (a number or a numeric string), or nullopt.
std::optional<int> port_of(const Value& value) {
  if (value.kind != graph::ValueKind::Scalar) return std::nullopt;
  std::optional<double> number = value.as_number();
  if (!number || *number != static_cast<int>(*number)) return std::nullopt;
  return static_cast<int>(*number);
}

// Whether a TCP rule's port range covers `port` (a negative FromPort is not a TCP range).
Truth range_covers(const Value& from, const Value& to, int port) {
  Truth low = number_is(from, Truth::Unknown, [&](double n) { return n >= 0 && n <= port; });
  Truth high = number_is(to, Truth::Unknown, [&](double n) { return n >= port; });
  return graph::all_of(low, high);
}

// Whether a CIDR value is every address of its family (0.0.0.0/0 or ::/0 in any spelling):
// the parsed network, never the text. A value that does not parse is unknown (EC2 would
// reject it); a missing one is not open.
Truth is_world(const Value& cidr, bool ipv6) {
  return graph::for_all_alternatives(cidr, [&](const Value& v) {
    if (v.is_absent()) return Truth::False;
    if (v.kind != graph::ValueKind::Scalar) return Truth::Unknown;
    std::optional<graph::Cidr> parsed = graph::parse_cidr(v.text);
    if (!parsed || parsed->is_ipv6 != ipv6) return Truth::Unknown;
    return parsed->is_any() ? Truth::True : Truth::False;
  });
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
    std::string_view type = tmpl.resources()[edge.from.index].type;
    if (std::find(kManaged.begin(), kManaged.end(), type) != kManaged.end()) {
      managed = true;
    } else if (type != "AWS::EC2::SecurityGroupIngress" &&
               type != "AWS::EC2::SecurityGroupEgress" && type != "AWS::EC2::SecurityGroup") {
      return false;
    }
  }
  return managed;
}

// One ingress rule (an inline item, or a SecurityGroupIngress resource's properties). A rule of
// a resource with a Condition is reported with the condition named; an item that Fn::If may
// leave out is not proven.
void check_rule(CheckContext& ctx, const Resource& resource, const Value& rule,
                const std::string& group_name, const load::Node* group_node) {
  Value cidr4 = rule.get("CidrIp");
  Value cidr6 = rule.get("CidrIpv6");
  Truth open4 = is_world(cidr4, false);
  Truth open6 = is_world(cidr6, true);
  if (graph::any_of(open4, open6) != Truth::True) return;
  Value protocol = rule.get("IpProtocol");
  Truth all = text_in(protocol, {"-1"}, Truth::Unknown);
  std::string what;
  if (all == Truth::True) {
    what = "all traffic (every protocol and port, SSH (22) and RDP (3389) among them)";
  } else {
    if (graph::any_of(all, text_in(protocol, {"tcp", "TCP", "6"}, Truth::Unknown)) != Truth::True) {
      return;
    }
    std::vector<std::string> admin_ports;
    for (const AdminPort& admin : kAdminPorts) {
      if (range_covers(rule.get("FromPort"), rule.get("ToPort"), admin.port) != Truth::True) {
        continue;
      }
      admin_ports.push_back(std::string(admin.name) + " (" + std::to_string(admin.port) + ")");
    }
    if (admin_ports.empty()) return;
    std::string admin = admin_ports[0];
    if (admin_ports.size() == 2) admin += " and " + admin_ports[1];
    std::optional<int> from = port_of(rule.get("FromPort"));
    std::optional<int> to = port_of(rule.get("ToPort"));
    if (from && to && *from == *to) {
      what = "TCP port " + std::to_string(*from) + " (" +
             std::string(kAdminPorts[*from == 22 ? 0 : 1].name) + ")";
    } else if (from && to) {
      what = "TCP ports " + std::to_string(*from) + "-" + std::to_string(*to) + " (" + admin +
             " among them)";
    } else {
      what = "a TCP port range that includes " + admin;
    }
  }
  bool v4 = open4 == Truth::True;
  const Value& cidr = v4 ? cidr4 : cidr6;
  const char* key = v4 ? "CidrIp" : "CidrIpv6";
  std::string source = v4 ? "0.0.0.0/0" : "::/0";
  // Through a parameter: say so, and show the default that opens it, so the user sees what
  // to change.
  const graph::Parameter* from_default = nullptr;
  for (const graph::Parameter& parameter : ctx.tmpl.parameters()) {
    if (parameter.default_value != nullptr && parameter.default_value == cidr.node) {
      from_default = &parameter;
    }
  }
  std::string written_as =
      cidr.kind == graph::ValueKind::Scalar && cidr.text != source ? "written " + cidr.text : "";
  if (from_default != nullptr) {
    written_as = (written_as.empty() ? "" : written_as + ", ") + "the default of parameter " +
                 from_default->id;
  }
  std::string source_text = source + (written_as.empty() ? "" : " (" + written_as + ")");
  std::string when;
  if (resource.condition != nullptr && resource.condition->is_scalar()) {
    when = " when condition " + resource.condition->text + " holds";
  }
  Finding& finding = ctx.report(
      resource, data::locate(resource, cidr, data::written(rule, key)),
      group_name + " allows " + what + " from " + source_text + when +
          ": anyone on the internet can try to log in. Allow only your administration network "
          "(or a bastion's security group), or use Session Manager and close the port.",
      key);
  if (group_node != nullptr) note(finding, group_node, "the rule belongs to " + group_name);
  if (!when.empty()) note(finding, resource.condition, "the resource exists only" + when);
  if (from_default != nullptr) {
    note(finding, cidr.node, std::string("the default of parameter ") + from_default->id);
  }
}

}  // namespace

STACKLINT_CHECK(S202) {
  const graph::Resolver& resolver = ctx.resolver;
  // Per group, computed once: thousands of ingress resources of one group do not walk its
  // edges again each.
  std::unordered_map<const Resource*, bool> managed;
  auto only_managed = [&](const Resource& group) {
    auto found = managed.find(&group);
    if (found == managed.end()) {
      found = managed.emplace(&group, only_managed_interfaces_use(ctx.tmpl, group)).first;
    }
    return found->second;
  };
  for (const Resource* group : ctx.tmpl.resources_of_type("AWS::EC2::SecurityGroup")) {
    // A whole list chosen by Fn::If may not be deployed: only a plain list is proven.
    Value rules = resolver.property(*group, "SecurityGroupIngress");
    if (rules.kind != graph::ValueKind::List || only_managed(*group)) continue;
    for (const Value& rule : rules.items) {
      check_rule(ctx, *group, rule, "Security group " + group->id, nullptr);
    }
  }
  for (const Resource* ingress : ctx.tmpl.resources_of_type("AWS::EC2::SecurityGroupIngress")) {
    const Resource* group = resolver.referenced_resource(resolver.property(*ingress, "GroupId"));
    if (group != nullptr && only_managed(*group)) continue;
    std::string name = group != nullptr
                           ? "Ingress " + ingress->id + " of security group " + group->id
                           : "Ingress " + ingress->id;
    check_rule(ctx, *ingress, resolver.resolve(ingress->properties), name,
               group != nullptr ? group->key : nullptr);
  }
}

}  // namespace stacklint::rules
