#include "rules/checks/data_rules.h"

namespace stacklint::rules::data {

using graph::Resource;
using graph::Value;
using graph::ValueKind;

Truth is_present(const Value& value) {
  return graph::for_all_alternatives(value, [](const Value& v) {
    if (v.is_unknown()) return Truth::Unknown;
    return v.is_absent() || v.kind == ValueKind::Null ? Truth::False : Truth::True;
  });
}

Truth scalar_is(const Value& value, Truth if_absent,
                const std::function<bool(std::string_view)>& test) {
  return graph::for_all_alternatives(value, [&](const Value& v) {
    if (v.is_absent() || v.kind == ValueKind::Null) return if_absent;
    if (v.kind != ValueKind::Scalar) return Truth::Unknown;
    return test(v.text) ? Truth::True : Truth::False;
  });
}

Truth is_aurora(const graph::Resolver& resolver, const Resource& resource) {
  return scalar_is(resolver.property(resource, "Engine"), Truth::False,
                   [](std::string_view engine) { return engine.starts_with("aurora"); });
}

const load::Node* locate(const Resource& resource, const Value& value, const load::Node* fallback) {
  const load::Node* at = value.node;
  if (!value.is_absent() && at != nullptr && resource.node != nullptr &&
      at->range.begin >= resource.node->range.begin && at->range.end <= resource.node->range.end) {
    return at;
  }
  return fallback;
}

const load::Node* written(const Value& map, std::string_view key) {
  return map.node != nullptr && map.node->is_mapping() ? map.node->get(key) : nullptr;
}

ClusterMembership::ClusterMembership(const graph::Resolver& resolver) : resolver_(resolver) {
  const graph::Template& tmpl = resolver.tmpl();
  for (const Resource* instance : tmpl.resources_of_type("AWS::RDS::DBInstance")) {
    Value cluster = resolver.property(*instance, "DBClusterIdentifier");
    bool conditional = cluster.is_choice() || instance->condition != nullptr;
    for (const Value& alternative : cluster.alternatives()) {
      if (alternative.is_absent()) continue;
      const Resource* target = resolver.referenced_resource(alternative);
      if (target == nullptr || target->type != "AWS::RDS::DBCluster") {
        unresolved_instance_ = true;
        continue;
      }
      members_[tmpl.index_of(*target)].push_back(
          {instance, locate(*instance, alternative, instance->property("DBClusterIdentifier")),
           !conditional});
    }
  }
}

const std::vector<ClusterMember>& ClusterMembership::members(const Resource& cluster) const {
  static const std::vector<ClusterMember> none;
  auto it = members_.find(resolver_.tmpl().index_of(cluster));
  return it == members_.end() ? none : it->second;
}

bool ClusterMembership::may_have_hidden_members(const Resource& cluster) const {
  const graph::Template& tmpl = resolver_.tmpl();
  if (unresolved_instance_ || tmpl.may_add_resources()) return true;
  for (uint32_t index : tmpl.edges_to(cluster)) {
    const graph::Edge& edge = tmpl.edges()[index];
    // Only the cluster's identifier (a Ref) lets another stack attach instances to it.
    if (!edge.attribute.empty() || edge.kind == graph::EdgeKind::DependsOn) continue;
    if (edge.from.section == graph::Section::Output) return true;
    if (edge.from.section != graph::Section::Resource) continue;
    std::string_view type = tmpl.resources()[edge.from.index].type;
    if (type == "AWS::CloudFormation::Stack" || type == "AWS::Serverless::Application" ||
        type == "AWS::CloudFormation::CustomResource" || type.starts_with("Custom::")) {
      return true;
    }
  }
  return false;
}

}  // namespace stacklint::rules::data
