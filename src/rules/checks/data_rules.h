// Helpers shared by the database, storage, messaging, edge and security-group checks (R111,
// R113, R114, R118, R153, R170, R172, S201, S202): three-valued tests on resolved values, where
// to point at a resolved value, and which DB instances belong to which Aurora cluster.
#pragma once

#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/check.h"

namespace stacklint::rules::data {

// Whether a value is written (not absent, not AWS::NoValue); Unknown when not proven.
Truth is_present(const graph::Value& value);
// `test` on a scalar's text; `if_absent` for an absent value; Unknown for anything else.
Truth scalar_is(const graph::Value& value, Truth if_absent,
                const std::function<bool(std::string_view)>& test);
// Whether a DB cluster's or instance's Engine is Aurora.
Truth is_aurora(const graph::Resolver& resolver, const graph::Resource& resource);

// The node to point at for a resolved value: where it is written when that is inside the
// resource (not a parameter's default elsewhere), else `fallback`.
const load::Node* locate(const graph::Resource& resource, const graph::Value& value,
                         const load::Node* fallback);
// The value node of `key` in a value written as a literal mapping, or nullptr.
const load::Node* written(const graph::Value& map, std::string_view key);

struct ClusterMember {
  const graph::Resource* instance;
  const load::Node* at;  // where its DBClusterIdentifier names the cluster
  bool certain;          // a member whatever the conditions (no Fn::If, no Condition)
};

// Which DB instances of the template belong to which DB cluster, through DBClusterIdentifier.
class ClusterMembership {
 public:
  explicit ClusterMembership(const graph::Resolver& resolver);
  const std::vector<ClusterMember>& members(const graph::Resource& cluster) const;
  // Whether the cluster may have instances this template does not show: an instance names a
  // cluster the template does not resolve, a macro may add resources (SAM adds none), or the
  // cluster's identifier is handed to a nested stack, a custom resource or an output.
  bool may_have_hidden_members(const graph::Resource& cluster) const;

 private:
  const graph::Resolver& resolver_;
  std::unordered_map<uint32_t, std::vector<ClusterMember>> members_;
  bool unresolved_instance_ = false;
};

}  // namespace stacklint::rules::data
