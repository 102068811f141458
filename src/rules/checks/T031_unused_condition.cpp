// T031 unused-condition: a condition that no resource, output, Fn::If or condition uses.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T031) {
  if (!validity::uses_are_visible(ctx)) return;
  validity::report_unused(
      ctx, ctx.tmpl.conditions(), graph::TargetKind::Condition, "Conditions",
      [](const std::string& id) {
        return "condition " + id +
               " is not used by any resource, output, Fn::If or other condition: whatever it "
               "decides changes nothing. Attach it where it was meant to apply, or remove it.";
      });
}

}  // namespace stacklint::rules
