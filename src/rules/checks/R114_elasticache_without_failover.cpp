// R114: ElastiCache without failover. Redis/Valkey replication groups without automatic
// failover or Multi-AZ, single-node Redis/Valkey clusters that no replication group uses as its
// primary, and multi-node Memcached clusters kept in one Availability Zone.
#include <set>

#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;

void check_replication_group(CheckContext& ctx, const Resource& group) {
  const graph::Resolver& resolver = ctx.resolver;
  Value failover = resolver.property(group, "AutomaticFailoverEnabled");
  Truth protected_group =
      graph::any_of(is_true(failover), is_true(resolver.property(group, "MultiAZEnabled")));
  if (protected_group != Truth::False) return;
  ctx.report(group, data::locate(group, failover, group.property("AutomaticFailoverEnabled")),
             "Replication group " + group.id +
                 " has neither automatic failover nor Multi-AZ: when its primary node or zone "
                 "fails, writes stop until the node is replaced. Set AutomaticFailoverEnabled: "
                 "true and MultiAZEnabled: true, with at least one replica in another zone.",
             "Properties/AutomaticFailoverEnabled");
}

// Clusters that a replication group adopts as its primary: not single nodes after all.
// `unresolved` is set when some group names its primary in a way the template does not resolve.
std::set<const Resource*> adopted_primaries(const graph::Resolver& resolver, bool& unresolved) {
  std::set<const Resource*> adopted;
  for (const Resource* group :
       resolver.tmpl().resources_of_type("AWS::ElastiCache::ReplicationGroup")) {
    Value primary = resolver.property(*group, "PrimaryClusterId");
    for (const Value& alternative : primary.alternatives()) {
      if (alternative.is_absent()) continue;
      const Resource* cluster = resolver.referenced_resource(alternative);
      if (cluster == nullptr)
        unresolved = true;
      else
        adopted.insert(cluster);
    }
  }
  return adopted;
}

void check_cache_cluster(CheckContext& ctx, const Resource& cluster,
                         const std::set<const Resource*>& adopted, bool adoption_unresolved) {
  const graph::Resolver& resolver = ctx.resolver;
  Value engine = resolver.property(cluster, "Engine");
  Truth redis = text_in(engine, {"redis", "valkey"});
  if (redis == Truth::True) {
    if (adoption_unresolved || adopted.count(&cluster) > 0) return;
    if (data::is_present(resolver.property(cluster, "ReplicationGroupId")) != Truth::False) return;
    ctx.report(cluster, nullptr,
               "Cache cluster " + cluster.id +
                   " is a single Redis/Valkey node with no replica: when it or its Availability "
                   "Zone fails, the cache and "
                   "its data are gone until a new node is created. Use an "
                   "AWS::ElastiCache::ReplicationGroup with a replica in another zone, "
                   "AutomaticFailoverEnabled and MultiAZEnabled.");
    return;
  }
  Truth memcached = text_in(engine, {"memcached"});
  if (memcached != Truth::True) return;
  Truth several_nodes = number_is(resolver.property(cluster, "NumCacheNodes"), Truth::False,
                                  [](double n) { return n > 1; });
  Value az_mode = resolver.property(cluster, "AZMode");
  Truth single_az = !text_in(az_mode, {"cross-az"});
  if (graph::all_of(several_nodes, single_az) != Truth::True) return;
  ctx.report(cluster, data::locate(cluster, az_mode, cluster.property("AZMode")),
             "Memcached cluster " + cluster.id +
                 " keeps all its nodes in one Availability Zone: when that zone fails, the whole "
                 "cache is lost at once and the database takes the full load. Set AZMode: "
                 "cross-az.",
             "Properties/AZMode");
}

}  // namespace

STACKLINT_CHECK(R114) {
  for (const Resource* group : ctx.tmpl.resources_of_type("AWS::ElastiCache::ReplicationGroup")) {
    check_replication_group(ctx, *group);
  }
  bool adoption_unresolved = false;
  std::set<const Resource*> adopted = adopted_primaries(ctx.resolver, adoption_unresolved);
  for (const Resource* cluster : ctx.tmpl.resources_of_type("AWS::ElastiCache::CacheCluster")) {
    check_cache_cluster(ctx, *cluster, adopted, adoption_unresolved);
  }
}

}  // namespace stacklint::rules
