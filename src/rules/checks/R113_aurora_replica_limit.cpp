// R113: an Aurora cluster holds one writer and at most 15 Aurora Replicas. Counts the DB
// instances that name the cluster in DBClusterIdentifier whatever the conditions.
#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

constexpr size_t kMaxAuroraInstances = 16;

STACKLINT_CHECK(R113) {
  data::ClusterMembership membership(ctx.resolver);
  for (const graph::Resource* cluster : ctx.tmpl.resources_of_type("AWS::RDS::DBCluster")) {
    if (data::is_aurora(ctx.resolver, *cluster) != Truth::True) continue;
    std::vector<const data::ClusterMember*> certain;
    for (const data::ClusterMember& member : membership.members(*cluster)) {
      if (member.certain) certain.push_back(&member);
    }
    if (certain.size() <= kMaxAuroraInstances) continue;
    Finding& finding = ctx.report(
        *cluster, nullptr,
        "Aurora cluster " + cluster->id + " has " + std::to_string(certain.size()) +
            " DB instances, but an Aurora cluster holds at most 16 (one writer and 15 Aurora "
            "Replicas): the deploy fails when the 17th is created. Remove instances, or serve "
            "the extra reads from a second cluster (an Aurora global database or a clone).");
    for (size_t i = kMaxAuroraInstances; i < certain.size(); ++i) {
      note(finding, certain[i]->at,
           "DB instance " + certain[i]->instance->id + " is member number " +
               std::to_string(i + 1) + " of " + cluster->id);
    }
  }
}

}  // namespace stacklint::rules
