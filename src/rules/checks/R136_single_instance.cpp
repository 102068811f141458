// R136: an EC2 instance that is the only target of a load balancer: the role the load balancer
// fronts has one instance, so it is a single point of failure.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rules/check.h"
#include "rules/checks/load_balancing.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

// The one EC2 instance a list of targets names, when every item is proven to be that instance.
// Another item (a second instance, an IP address, an unknown id) or an Fn::If over the list
// means the role may have more than one member.
const Resource* sole_instance(const graph::Resolver& resolver, const Value& targets,
                              std::string_view id_field) {
  if (targets.kind != ValueKind::List || targets.items.empty()) return nullptr;
  const Resource* sole = nullptr;
  for (const Value& item : targets.items) {
    const Resource* instance =
        definite_resource(resolver, id_field.empty() ? item : item.get(id_field));
    if (instance == nullptr || instance->type != "AWS::EC2::Instance") return nullptr;
    if (sole != nullptr && sole != instance) return nullptr;
    sole = instance;
  }
  return sole;
}

// Load balancers and target groups that an Auto Scaling group also feeds: their role has a
// group of instances, whatever else is registered.
std::unordered_set<const Resource*> fed_by_groups(const graph::Resolver& resolver) {
  std::unordered_set<const Resource*> fed;
  for (const Resource* group :
       resolver.tmpl().resources_of_type("AWS::AutoScaling::AutoScalingGroup")) {
    for (const char* property : {"TargetGroupARNs", "LoadBalancerNames"}) {
      Value list = resolver.property(*group, property);
      for (const Value& alternative : list.alternatives()) {
        for (const Value& item : alternative.items) {
          for (const Value& choice : item.alternatives()) {
            if (const Resource* target = resolver.referenced_resource(choice)) fed.insert(target);
          }
        }
      }
    }
  }
  return fed;
}

}  // namespace

STACKLINT_CHECK(R136) {
  const graph::Resolver& resolver = ctx.resolver;
  std::unordered_set<const Resource*> fed = fed_by_groups(resolver);
  // One finding per instance, in template order, with each load balancer it alone serves.
  std::vector<std::pair<const Resource*, std::vector<Related>>> sole;
  std::unordered_map<const Resource*, size_t> index;
  auto add = [&](const Resource* instance, const Resource& balancer, const load::Node* listed_at) {
    if (instance == nullptr || fed.count(&balancer) > 0) return;
    auto [it, inserted] = index.emplace(instance, sole.size());
    if (inserted) sole.push_back({instance, {}});
    sole[it->second].second.push_back(
        {range_of(balancer, listed_at), instance->id + " is the only target of " + balancer.id});
  };
  for (const Resource* group :
       ctx.tmpl.resources_of_type("AWS::ElasticLoadBalancingV2::TargetGroup")) {
    add(sole_instance(resolver, resolver.property(*group, "Targets"), "Id"), *group,
        group->property("Targets"));
  }
  for (const Resource* elb :
       ctx.tmpl.resources_of_type("AWS::ElasticLoadBalancing::LoadBalancer")) {
    add(sole_instance(resolver, resolver.property(*elb, "Instances"), ""), *elb,
        elb->property("Instances"));
  }
  std::sort(sole.begin(), sole.end(), [&](const auto& a, const auto& b) {
    return ctx.tmpl.index_of(*a.first) < ctx.tmpl.index_of(*b.first);
  });
  for (auto& [instance, related] : sole) {
    Finding& finding = ctx.report(
        *instance, nullptr,
        "Instance " + instance->id +
            " is the only target of a load balancer: when the instance or its Availability Zone "
            "fails, everything behind that load balancer is down. Run this role in an Auto "
            "Scaling group spread over two or more Availability Zones, or register a second "
            "instance in another zone.");
    finding.related = std::move(related);
  }
}

}  // namespace stacklint::rules
