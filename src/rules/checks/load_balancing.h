// What the load-balancing and compute checks share: which resource a property definitely
// names, and which listeners forward to which target groups.
#pragma once

#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/resolver.h"
#include "graph/template.h"

namespace stacklint::rules {

// The template resource that every alternative of `value` refers to (Ref or GetAtt), or nullptr
// when it is unknown, not a resource of the template, or differs between Fn::If branches.
const graph::Resource* definite_resource(const graph::Resolver& resolver,
                                         const graph::Value& value);

// Whether `other` exists whenever `resource` does: it has no Condition, or the same one.
bool exists_with(const graph::Resource& resource, const graph::Resource& other);

// A listener (or a listener rule of it) that forwards to a target group.
struct Forwarding {
  const graph::Resource* listener = nullptr;
  const graph::Resource* rule = nullptr;        // the ListenerRule, when it is one
  const load::Node* target_group_at = nullptr;  // where the target group is named
};

// Every AWS::ElasticLoadBalancingV2::Listener and ListenerRule of the template, by the target
// groups their actions definitely forward to (TargetGroupArn, ForwardConfig.TargetGroups).
// Actions chosen by Fn::If are left out: they do not prove which target group gets traffic.
std::unordered_map<const graph::Resource*, std::vector<Forwarding>> forwarding_by_target_group(
    const graph::Resolver& resolver);

}  // namespace stacklint::rules
