// R135: an Auto Scaling group with room to scale (MinSize < MaxSize) that nothing scales.
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_set>

#include "rules/check.h"
#include "rules/checks/load_balancing.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

// Resource types that scale an Auto Scaling group, and the property that names the group.
// An ECS capacity provider scales its group through managed scaling.
constexpr std::pair<std::string_view, std::string_view> kScalers[] = {
    {"AWS::AutoScaling::ScalingPolicy", "AutoScalingGroupName"},
    {"AWS::AutoScaling::ScheduledAction", "AutoScalingGroupName"},
    {"AWS::ECS::CapacityProvider", "AutoScalingGroupProvider.AutoScalingGroupArn"},
};

// The smallest and largest number among a value's alternatives, when all are numbers.
std::optional<std::pair<double, double>> number_range(const Value& value) {
  std::optional<std::pair<double, double>> range;
  for (const Value& alternative : value.alternatives()) {
    std::optional<double> n = alternative.as_number();
    if (alternative.kind != ValueKind::Scalar || !n) return std::nullopt;
    range = range ? std::make_pair(std::min(range->first, *n), std::max(range->second, *n))
                  : std::make_pair(*n, *n);
  }
  return range;
}

// MinSize < MaxSize in every combination of their alternatives.
Truth can_scale(const Value& min_size, const Value& max_size) {
  auto min = number_range(min_size);
  auto max = number_range(max_size);
  if (!min || !max) return Truth::Unknown;
  if (min->second < max->first) return Truth::True;
  if (min->first >= max->second) return Truth::False;
  return Truth::Unknown;
}

// Kubernetes' cluster autoscaler finds its groups by these tags and scales them from outside.
Truth has_cluster_autoscaler_tag(const Value& tags) {
  return graph::for_all_alternatives(tags, [](const Value& list) {
    if (list.is_absent()) return Truth::False;
    if (list.kind != ValueKind::List) return Truth::Unknown;
    Truth result = Truth::False;
    for (const Value& tag : list.items) {
      result = graph::any_of(
          result, graph::for_all_alternatives(tag.get("Key"), [](const Value& k) {
            if (k.kind != ValueKind::Scalar) return Truth::Unknown;
            return k.text.rfind("k8s.io/cluster-autoscaler", 0) == 0 ? Truth::True : Truth::False;
          }));
    }
    return result;
  });
}

}  // namespace

STACKLINT_CHECK(R135) {
  const graph::Resolver& resolver = ctx.resolver;
  // A scaling plan selects its groups by stack or tags, and a scaler naming its group by an
  // unknown value may target any of them: then no group is proven unscaled.
  if (!ctx.tmpl.resources_of_type("AWS::AutoScalingPlans::ScalingPlan").empty()) return;
  std::unordered_set<const Resource*> scaled;
  std::unordered_set<std::string> scaled_names;
  for (const auto& [type, property] : kScalers) {
    for (const Resource* scaler : ctx.tmpl.resources_of_type(type)) {
      Value target = resolver.property(*scaler, property);
      if (const Resource* group = definite_resource(resolver, target)) {
        scaled.insert(group);
      } else if (target.kind == ValueKind::Scalar) {
        scaled_names.insert(target.text);
      } else {
        return;
      }
    }
  }
  for (const Resource* group : ctx.tmpl.resources_of_type("AWS::AutoScaling::AutoScalingGroup")) {
    if (scaled.count(group) > 0) continue;
    Value max_size = resolver.property(*group, "MaxSize");
    if (can_scale(resolver.property(*group, "MinSize"), max_size) != Truth::True) continue;
    if (has_cluster_autoscaler_tag(resolver.property(*group, "Tags")) != Truth::False) continue;
    if (!scaled_names.empty()) {
      // A literal group name can only match a group whose AutoScalingGroupName is that literal.
      Value name = resolver.property(*group, "AutoScalingGroupName");
      if (!name.is_absent() &&
          (name.kind != ValueKind::Scalar || scaled_names.count(name.text) > 0))
        continue;
    }
    const load::Node* at = group->property("MaxSize");
    ctx.report(*group, at,
               "Auto Scaling group " + group->id +
                   " may run between MinSize and MaxSize instances, but no scaling policy, "
                   "scheduled action or capacity provider targets it: its capacity never follows "
                   "the load. Add a target tracking AWS::AutoScaling::ScalingPolicy (for example "
                   "on average CPU), or set MinSize equal to MaxSize if the size is fixed.",
               at != nullptr ? "Properties/MaxSize" : "");
  }
}

}  // namespace stacklint::rules
