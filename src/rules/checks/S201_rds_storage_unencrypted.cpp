// S201: DB instances and clusters whose storage is not encrypted. Aurora members take their
// encryption from the cluster, so they are reported through it: the cluster's finding notes
// each member found through DBClusterIdentifier.
#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/network_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;

// Copies, restores and replicas inherit encryption from their source; a KMS key without
// StorageEncrypted is rejected or implies encryption: either way not proven unencrypted.
Truth inherits_or_implies_encryption(const graph::Resolver& resolver, const Resource& resource,
                                     std::initializer_list<std::string_view> properties) {
  Truth any = Truth::False;
  for (std::string_view property : properties) {
    any = graph::any_of(any, data::is_present(resolver.property(resource, property)));
  }
  return any;
}

void report_unencrypted(CheckContext& ctx, const Resource& resource, std::string what,
                        const std::vector<data::ClusterMember>& members) {
  graph::Value encrypted = ctx.resolver.property(resource, "StorageEncrypted");
  Finding& finding = ctx.report(
      resource, data::locate(resource, encrypted, resource.property("StorageEncrypted")),
      what + " " + resource.id +
          " stores its data, backups and snapshots unencrypted, and encryption cannot be "
          "turned on later without copying the data to a new database. Set StorageEncrypted: "
          "true (and KmsKeyId for a customer managed key).",
      "Properties/StorageEncrypted");
  explain_parameter_default(finding, encrypted, "StorageEncrypted");
  for (const data::ClusterMember& member : members) {
    note(finding, member.at,
         "DB instance " + member.instance->id + " is a member of " + resource.id +
             " and inherits its encryption");
  }
}

}  // namespace

STACKLINT_CHECK(S201) {
  const graph::Resolver& resolver = ctx.resolver;
  data::ClusterMembership membership(resolver);
  for (const Resource& resource : ctx.tmpl.resources()) {
    bool cluster = resource.type == "AWS::RDS::DBCluster";
    if (!cluster && resource.type != "AWS::RDS::DBInstance") continue;
    if (is_true(resolver.property(resource, "StorageEncrypted")) != Truth::False) continue;
    if (cluster) {
      // Aurora Serverless v1 clusters are always encrypted.
      Truth serverless_v1 = text_in(resolver.property(resource, "EngineMode"), {"serverless"});
      if (serverless_v1 != Truth::False) continue;
      if (inherits_or_implies_encryption(
              resolver, resource,
              {"SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier",
               "GlobalClusterIdentifier", "KmsKeyId"}) != Truth::False) {
        continue;
      }
      report_unencrypted(ctx, resource, "DB cluster", membership.members(resource));
    } else {
      // A cluster member's own StorageEncrypted is ignored: the cluster decides.
      if (inherits_or_implies_encryption(
              resolver, resource,
              {"DBClusterIdentifier", "SourceDBInstanceIdentifier", "DBSnapshotIdentifier",
               "SourceDBInstanceAutomatedBackupsArn", "SourceDbiResourceId",
               "DBClusterSnapshotIdentifier", "KmsKeyId"}) != Truth::False ||
          data::is_aurora(resolver, resource) != Truth::False) {
        continue;
      }
      report_unencrypted(ctx, resource, "DB instance", {});
    }
  }
}

}  // namespace stacklint::rules
