#include "rules/checks/load_balancing.h"

namespace stacklint::rules {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

const Resource* definite_resource(const graph::Resolver& resolver, const Value& value) {
  const Resource* found = nullptr;
  for (const Value& alternative : value.alternatives()) {
    const Resource* resource = resolver.referenced_resource(alternative);
    if (resource == nullptr || (found != nullptr && found != resource)) return nullptr;
    found = resource;
  }
  return found;
}

bool exists_with(const Resource& resource, const Resource& other) {
  if (other.condition == nullptr) return true;
  return resource.condition != nullptr && resource.condition->is_scalar() &&
         other.condition->is_scalar() && resource.condition->text == other.condition->text;
}

namespace {

void add_target(const graph::Resolver& resolver, const Value& arn, Forwarding forwarding,
                std::unordered_map<const Resource*, std::vector<Forwarding>>& out) {
  const Resource* target_group = definite_resource(resolver, arn);
  if (target_group == nullptr || target_group->type != "AWS::ElasticLoadBalancingV2::TargetGroup")
    return;
  forwarding.target_group_at = arn.node;
  out[target_group].push_back(forwarding);
}

void collect_actions(const graph::Resolver& resolver, const Value& actions,
                     const Forwarding& forwarding,
                     std::unordered_map<const Resource*, std::vector<Forwarding>>& out) {
  if (actions.kind != ValueKind::List) return;
  for (const Value& action : actions.items) {
    if (action.kind != ValueKind::Map) continue;
    add_target(resolver, action.get("TargetGroupArn"), forwarding, out);
    Value groups = action.get("ForwardConfig").get("TargetGroups");
    if (groups.kind != ValueKind::List) continue;
    for (const Value& group : groups.items) {
      if (group.kind == ValueKind::Map)
        add_target(resolver, group.get("TargetGroupArn"), forwarding, out);
    }
  }
}

}  // namespace

std::unordered_map<const Resource*, std::vector<Forwarding>> forwarding_by_target_group(
    const graph::Resolver& resolver) {
  std::unordered_map<const Resource*, std::vector<Forwarding>> out;
  const graph::Template& tmpl = resolver.tmpl();
  for (const Resource* listener : tmpl.resources_of_type("AWS::ElasticLoadBalancingV2::Listener")) {
    collect_actions(resolver, resolver.property(*listener, "DefaultActions"), {listener}, out);
  }
  for (const Resource* rule : tmpl.resources_of_type("AWS::ElasticLoadBalancingV2::ListenerRule")) {
    const Resource* listener = definite_resource(resolver, resolver.property(*rule, "ListenerArn"));
    if (listener == nullptr || listener->type != "AWS::ElasticLoadBalancingV2::Listener") continue;
    collect_actions(resolver, resolver.property(*rule, "Actions"), {listener, rule}, out);
  }
  return out;
}

}  // namespace stacklint::rules
