// R111: a provisioned Aurora cluster with fewer than two DB instances has no replica to fail
// over to. Follows DBClusterIdentifier from each DB instance to its cluster.
#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/network_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {

STACKLINT_CHECK(R111) {
  data::ClusterMembership membership(ctx.resolver);
  for (const graph::Resource* cluster : ctx.tmpl.resources_of_type("AWS::RDS::DBCluster")) {
    if (data::is_aurora(ctx.resolver, *cluster) != Truth::True) continue;
    // Aurora Serverless v1 has no DB instances; v2 is provisioned with db.serverless ones.
    Truth serverless_v1 = text_in(ctx.resolver.property(*cluster, "EngineMode"), {"serverless"});
    if (serverless_v1 != Truth::False || membership.may_have_hidden_members(*cluster)) continue;
    const std::vector<data::ClusterMember>& members = membership.members(*cluster);
    if (members.size() >= 2) continue;
    std::string message =
        members.empty()
            ? "Aurora cluster " + cluster->id +
                  " has no DB instance in the template: it cannot serve queries, and has no "
                  "replica to fail over to. Add two AWS::RDS::DBInstance members (a writer and a "
                  "replica) in different Availability Zones."
            : "Aurora cluster " + cluster->id + " has one DB instance (" +
                  members.front().instance->id +
                  "): when it or its Availability Zone fails, the database is down until Aurora "
                  "creates a new instance (often 10 minutes or more). Add a second "
                  "AWS::RDS::DBInstance in another Availability Zone, as an Aurora Replica to "
                  "fail over to.";
    Finding& finding = ctx.report(*cluster, nullptr, std::move(message));
    for (const data::ClusterMember& member : members) {
      note(finding, member.at,
           "DB instance " + member.instance->id + " is a member of " + cluster->id +
               (member.certain ? "" : " under a condition"));
    }
  }
}

}  // namespace stacklint::rules
