// R153: an enabled S3 lifecycle rule that moves objects (current or noncurrent versions) to
// ONEZONE_IA, where they live in a single Availability Zone.
#include "rules/check.h"
#include "rules/checks/data_rules.h"
#include "rules/checks/value_tests.h"

namespace stacklint::rules {
namespace {

using graph::Resource;
using graph::Value;

void check_transition(CheckContext& ctx, const Resource& bucket, const Value& transition,
                      const std::string& rule_name) {
  Value storage_class = transition.get("StorageClass");
  if (text_in(storage_class, {"ONEZONE_IA"}) != Truth::True) {
    return;
  }
  ctx.report(bucket, data::locate(bucket, storage_class, data::written(transition, "StorageClass")),
             "Lifecycle rule" + rule_name + " of bucket " + bucket.id +
                 " moves objects to ONEZONE_IA: they are then stored in a single Availability "
                 "Zone and lost if it is destroyed. Use STANDARD_IA (or GLACIER_IR) unless the "
                 "data can be recreated.",
             "Properties/LifecycleConfiguration/Rules/StorageClass");
}

}  // namespace

STACKLINT_CHECK(R153) {
  for (const Resource* bucket : ctx.tmpl.resources_of_type("AWS::S3::Bucket")) {
    Value rules = ctx.resolver.property(*bucket, "LifecycleConfiguration.Rules");
    if (rules.kind != graph::ValueKind::List) continue;
    for (const Value& rule : rules.items) {
      if (text_in(rule.get("Status"), {"Enabled"}) != Truth::True) {
        continue;
      }
      Value id = rule.get("Id");
      std::string rule_name = id.kind == graph::ValueKind::Scalar ? " " + id.text : "";
      for (std::string_view list : {"Transitions", "NoncurrentVersionTransitions"}) {
        Value transitions = rule.get(list);
        if (transitions.kind != graph::ValueKind::List) continue;
        for (const Value& transition : transitions.items) {
          check_transition(ctx, *bucket, transition, rule_name);
        }
      }
      for (std::string_view single : {"Transition", "NoncurrentVersionTransition"}) {
        check_transition(ctx, *bucket, rule.get(single), rule_name);
      }
    }
  }
}

}  // namespace stacklint::rules
