// R120: an NLB target group whose targets serve HTTP but whose health check is a TCP handshake.
#include <optional>
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

// "HTTPS" for 443 and 8443, "HTTP" for the other HTTP ports: what the port number suggests.
std::string web_protocol(const Value& port) {
  std::optional<double> number = port.kind == ValueKind::Scalar ? port.as_number() : std::nullopt;
  return number && (*number == 443 || *number == 8443) ? "HTTPS" : "HTTP";
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
    Value protocol = resolver.property(*group, "Protocol");
    std::string proving_port;
    std::string web;  // what the deciding port suggests: HTTP or HTTPS
    if (is_http_port(group_port) == Truth::True) {
      web = web_protocol(group_port);
      proving_port =
          "its targets listen on port " + port_text(group_port) + ", the usual " + web + " port";
    }
    std::vector<Related> related;
    auto found = forwarding.find(group);
    if (found != forwarding.end()) {
      for (const Forwarding& f : found->second) {
        if (!exists_with(*group, *f.listener)) continue;
        if (f.rule != nullptr && !exists_with(*group, *f.rule)) continue;
        Value listener_port = resolver.property(*f.listener, "Port");
        if (is_http_port(listener_port) != Truth::True) continue;
        if (proving_port.empty()) {
          web = web_protocol(listener_port);
          proving_port = "the only sign of " + web + " is listener " + f.listener->id + "'s port " +
                         port_text(listener_port) + ", the usual " + web + " port";
        }
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
        "Target group " + group->id + " forwards " +
            (protocol.kind == ValueKind::Scalar ? protocol.text : std::string("TCP")) +
            " for a Network Load Balancer and " + proving_port +
            ", but its health check only opens a TCP connection: if the targets serve " + web +
            ", an instance whose application answers 5xx keeps receiving traffic. Set "
            "HealthCheckProtocol to HTTP or HTTPS with a HealthCheckPath, or put the service "
            "behind an Application Load Balancer.",
        at != nullptr ? "Properties/HealthCheckProtocol" : "");
    finding.related = std::move(related);
  }
}

}  // namespace stacklint::rules
