// R120: an NLB target group whose targets serve HTTP but whose health check is a TCP handshake.
#include <string>

#include "rules/check.h"
#include "rules/checks/load_balancing.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Value;
using graph::ValueKind;

// Ports on which targets are taken to serve HTTP or HTTPS.
Truth is_http_port(const Value& port) {
  return graph::for_all_alternatives(port, [](const Value& v) {
    if (v.is_absent()) return Truth::False;
    std::optional<double> number = v.as_number();
    if (v.kind != ValueKind::Scalar || !number) return Truth::Unknown;
    return *number == 80 || *number == 443 || *number == 8080 || *number == 8443 ? Truth::True
                                                                                 : Truth::False;
  });
}

// IP targets that a custom resource looks up (typically the network interfaces of a VPC
// endpoint, found by a Lambda function): the template does not show that an application server
// answers there, nor that an HTTP check could probe it.
bool targets_from_custom_resource(const graph::Resolver& resolver, const graph::Resource& group) {
  if (text_in(resolver.property(group, "TargetType"), {"ip"}) != Truth::True) return false;
  Value targets = resolver.property(group, "Targets");
  if (targets.kind != ValueKind::List || targets.items.empty()) return false;
  for (const Value& target : targets.items) {
    const graph::Resource* source = resolver.referenced_resource(target.get("Id"));
    if (source == nullptr || (source->type.rfind("Custom::", 0) != 0 &&
                              source->type != "AWS::CloudFormation::CustomResource")) {
      return false;
    }
  }
  return true;
}

std::string port_text(const Value& port) {
  return port.kind == ValueKind::Scalar ? port.text : "an HTTP port";
}

}  // namespace

STACKLINT_CHECK(R120) {
  const graph::Resolver& resolver = ctx.resolver;
  auto forwarding = forwarding_by_target_group(resolver);
  for (const graph::Resource* group :
       ctx.tmpl.resources_of_type("AWS::ElasticLoadBalancingV2::TargetGroup")) {
    // TCP, TLS and TCP_UDP target groups belong to Network Load Balancers.
    if (text_in(resolver.property(*group, "Protocol"), {"TCP", "TLS", "TCP_UDP"}) != Truth::True)
      continue;
    // An NLB target group that forwards to an ALB health-checks over HTTP(S) by definition.
    if (text_in(resolver.property(*group, "TargetType"), {"alb"}) != Truth::False) continue;
    if (targets_from_custom_resource(resolver, *group)) continue;
    Value health_check = resolver.property(*group, "HealthCheckProtocol");
    // An NLB target group's health check defaults to TCP.
    if (text_in(health_check, {"TCP"}, Truth::True) != Truth::True) continue;

    Value group_port = resolver.property(*group, "Port");
    std::string proving_port;
    if (is_http_port(group_port) == Truth::True) proving_port = "port " + port_text(group_port);
    std::vector<Related> related;
    auto found = forwarding.find(group);
    if (found != forwarding.end()) {
      for (const Forwarding& f : found->second) {
        if (!exists_with(*group, *f.listener)) continue;
        if (f.rule != nullptr && !exists_with(*group, *f.rule)) continue;
        Value listener_port = resolver.property(*f.listener, "Port");
        if (is_http_port(listener_port) != Truth::True) continue;
        if (proving_port.empty())
          proving_port = "listener " + f.listener->id + " on port " + port_text(listener_port);
        const load::Node* port_node = f.listener->property("Port");
        std::string message = "listener " + f.listener->id + " on port " +
                              port_text(listener_port) + " forwards to " + group->id;
        if (f.rule != nullptr) message += " through listener rule " + f.rule->id;
        related.push_back({range_of(*f.listener, port_node), std::move(message)});
      }
    }
    if (proving_port.empty()) continue;

    const load::Node* at = group->property("HealthCheckProtocol");
    Finding& finding = ctx.report(
        *group, at,
        "Target group " + group->id +
            " sits behind a Network Load Balancer and its targets serve HTTP (" + proving_port +
            "), but its health check only opens a TCP connection: an instance whose application "
            "answers 5xx keeps receiving traffic. Set HealthCheckProtocol to HTTP or HTTPS with a "
            "HealthCheckPath, or put the service behind an Application Load Balancer.",
        at != nullptr ? "Properties/HealthCheckProtocol" : "");
    finding.related = std::move(related);
  }
}

}  // namespace stacklint::rules
