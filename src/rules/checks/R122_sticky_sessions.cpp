// R122: sticky sessions on an ELBv2 target group or a classic load balancer listener.
#include <string>
#include <vector>

#include "rules/check.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

// A node to point at, when it is written inside the resource (a value may come from a
// mapping or a parameter default elsewhere in the file).
const load::Node* inside(const Resource& resource, const load::Node* node) {
  if (node == nullptr || resource.node == nullptr) return nullptr;
  const load::Range& outer = resource.node->range;
  return outer.begin <= node->range.begin && node->range.end <= outer.end ? node : nullptr;
}

// The `stickiness.enabled: true` attribute of a target group, when the template proves it.
const load::Node* sticky_attribute(const graph::Resolver& resolver, const Resource& group) {
  Value attributes = resolver.property(group, "TargetGroupAttributes");
  if (attributes.kind != ValueKind::List) return nullptr;  // a choice does not prove it
  for (const Value& item : attributes.items) {
    if (item.kind != ValueKind::Map) continue;
    Truth sticky =
        graph::all_of(text_in(item.get("Key"), {"stickiness.enabled"}), is_true(item.get("Value")));
    if (sticky != Truth::True) continue;
    const load::Node* value =
        item.node != nullptr && item.node->is_mapping() ? item.node->get("Value") : nullptr;
    const load::Node* at = inside(group, value);
    return at != nullptr ? at : group.key;
  }
  return nullptr;
}

struct CookiePolicy {
  std::string name;
  const load::Node* at;
};

// The cookie stickiness policies a classic load balancer defines, by name.
std::vector<CookiePolicy> cookie_policies(const graph::Resolver& resolver, const Resource& elb) {
  std::vector<CookiePolicy> policies;
  for (const char* property : {"LBCookieStickinessPolicy", "AppCookieStickinessPolicy"}) {
    Value list = resolver.property(elb, property);
    if (list.kind != ValueKind::List) continue;
    for (const Value& policy : list.items) {
      Value name = policy.get("PolicyName");
      if (name.kind == ValueKind::Scalar) policies.push_back({name.text, name.node});
    }
  }
  return policies;
}

}  // namespace

STACKLINT_CHECK(R122) {
  const graph::Resolver& resolver = ctx.resolver;
  for (const Resource* group :
       ctx.tmpl.resources_of_type("AWS::ElasticLoadBalancingV2::TargetGroup")) {
    const load::Node* at = sticky_attribute(resolver, *group);
    if (at == nullptr) continue;
    ctx.report(*group, at,
               "Target group " + group->id +
                   " pins each client to one target (stickiness.enabled: true): when that "
                   "target fails or is scaled in, its users lose their sessions, and new targets "
                   "take no load from existing users. Keep session state in ElastiCache or "
                   "DynamoDB and turn stickiness off.",
               "Properties/TargetGroupAttributes");
  }
  for (const Resource* elb :
       ctx.tmpl.resources_of_type("AWS::ElasticLoadBalancing::LoadBalancer")) {
    std::vector<CookiePolicy> policies = cookie_policies(resolver, *elb);
    if (policies.empty()) continue;
    Value listeners = resolver.property(*elb, "Listeners");
    if (listeners.kind != ValueKind::List) continue;
    for (const Value& listener : listeners.items) {
      Value names = listener.get("PolicyNames");
      if (names.kind != ValueKind::List) continue;
      for (const Value& name : names.items) {
        if (name.kind != ValueKind::Scalar) continue;
        for (const CookiePolicy& policy : policies) {
          if (policy.name != name.text) continue;
          const load::Node* at = inside(*elb, name.node);
          Finding& finding = ctx.report(
              *elb, at,
              "Load balancer " + elb->id + " applies the cookie stickiness policy " + policy.name +
                  " to a listener: each client is pinned to one instance, and loses its session "
                  "when that instance fails or is scaled in. Keep session state in ElastiCache "
                  "or DynamoDB and remove the policy from the listener's PolicyNames.",
              "Properties/Listeners");
          finding.related.push_back({range_of(*elb, policy.at),
                                     "the stickiness policy " + policy.name + " is defined here"});
        }
      }
    }
  }
}

}  // namespace stacklint::rules
