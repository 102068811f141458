// R170: a PRIMARY failover record that Route 53 always considers healthy: no health check, and
// no alias target whose health it evaluates. Checks RecordSet resources and the record sets of
// RecordSetGroup resources.
#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;

void check_record(CheckContext& ctx, const Resource& resource, const Value& record,
                  std::string_view path) {
  Value failover = record.get("Failover");
  if (text_in(failover, {"PRIMARY"}) != Truth::True) {
    return;
  }
  Truth watched = graph::any_of(data::is_present(record.get("HealthCheckId")),
                                is_true(record.at_path("AliasTarget.EvaluateTargetHealth")));
  if (watched != Truth::False) return;
  Value name = record.get("Name");
  std::string label = name.kind == graph::ValueKind::Scalar ? " " + name.text : "";
  ctx.report(resource, data::locate(resource, failover, data::written(record, "Failover")),
             "Failover record" + label + " of " + resource.id +
                 " is PRIMARY without a health check: Route 53 always treats it as healthy, so "
                 "traffic never fails over to the SECONDARY record. Add HealthCheckId (or, for an "
                 "alias, AliasTarget.EvaluateTargetHealth: true).",
             path);
}

}  // namespace

STACKLINT_CHECK(R170) {
  const graph::Resolver& resolver = ctx.resolver;
  for (const Resource* record : ctx.tmpl.resources_of_type("AWS::Route53::RecordSet")) {
    check_record(ctx, *record, resolver.resolve(record->properties), "Properties/Failover");
  }
  for (const Resource* group : ctx.tmpl.resources_of_type("AWS::Route53::RecordSetGroup")) {
    Value records = resolver.property(*group, "RecordSets");
    if (records.kind != graph::ValueKind::List) continue;
    for (size_t i = 0; i < records.items.size(); ++i) {
      check_record(ctx, *group, records.items[i],
                   "Properties/RecordSets/" + std::to_string(i) + "/Failover");
    }
  }
}

}  // namespace stacklint::rules
