// R118: a resource that holds data is deleted with the stack (or when it leaves the template)
// because its DeletionPolicy neither retains nor snapshots it.
#include <array>

#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/data_safeguards.h"

namespace stacklint::rules {
namespace {

using graph::Resource;

struct StatefulType {
  std::string_view type;
  std::string_view what;
  bool snapshot;  // supports DeletionPolicy: Snapshot
};

constexpr std::array<StatefulType, 7> kStatefulTypes = {{
    {"AWS::RDS::DBCluster", "DB cluster", true},
    {"AWS::RDS::DBInstance", "DB instance", true},
    {"AWS::DynamoDB::Table", "DynamoDB table", false},
    // SAM makes it an AWS::DynamoDB::Table and copies DeletionPolicy to it.
    {"AWS::Serverless::SimpleTable", "DynamoDB table (SAM SimpleTable)", false},
    {"AWS::EFS::FileSystem", "EFS file system", false},
    {"AWS::EC2::Volume", "EBS volume", true},
    {"AWS::ElastiCache::ReplicationGroup", "ElastiCache replication group", true},
}};

// An absent DeletionPolicy means Snapshot for RDS clusters and for instances outside a cluster
// (the only instances that reach this test), Delete for the rest.
Truth absent_policy_keeps_data(const Resource& resource) {
  return resource.type.starts_with("AWS::RDS::") ? Truth::True : Truth::False;
}

// Aurora members and read replicas hold no data of their own.
Truth holds_own_data(const graph::Resolver& resolver, const Resource& resource) {
  if (resource.type != "AWS::RDS::DBInstance") return Truth::True;
  Truth member =
      graph::any_of(data::is_present(resolver.property(resource, "DBClusterIdentifier")),
                    data::is_present(resolver.property(resource, "SourceDBInstanceIdentifier")));
  return !member;
}

}  // namespace

STACKLINT_CHECK(R118) {
  const graph::Resolver& resolver = ctx.resolver;
  const data::Safeguards safeguards(resolver);
  for (const Resource& resource : ctx.tmpl.resources()) {
    const StatefulType* stateful = nullptr;
    for (const StatefulType& candidate : kStatefulTypes) {
      if (candidate.type == resource.type) stateful = &candidate;
    }
    if (stateful == nullptr || holds_own_data(resolver, resource) != Truth::True) continue;
    graph::Value policy = resolver.attribute(resource, "DeletionPolicy");
    Truth keeps_data = graph::for_all_alternatives(policy, [&](const graph::Value& v) {
      if (v.is_absent()) return absent_policy_keeps_data(resource);
      if (v.kind != graph::ValueKind::Scalar) return Truth::Unknown;
      if (v.text == "Retain" || v.text == "RetainExceptOnCreate") return Truth::True;
      if (v.text == "Snapshot") return stateful->snapshot ? Truth::True : Truth::Unknown;
      return v.text == "Delete" ? Truth::False : Truth::Unknown;
    });
    // Any other safeguard the template proves (a backup plan, PITR, deletion protection, ...).
    if (keeps_data == Truth::False) keeps_data = safeguards.keeps_data(resource);
    if (keeps_data != Truth::False) continue;
    std::string keep = stateful->snapshot ? "Snapshot or Retain" : "Retain";
    ctx.report(resource, data::locate(resource, policy, resource.deletion_policy),
               std::string(stateful->what) + " " + resource.id +
                   " is deleted with its data when the stack is deleted or the resource leaves "
                   "the template. Set DeletionPolicy: " +
                   keep + " (and UpdateReplacePolicy to match) to keep the data.",
               "DeletionPolicy");
  }
}

}  // namespace stacklint::rules
