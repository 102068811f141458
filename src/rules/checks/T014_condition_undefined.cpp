// T014 condition-undefined: a Condition attribute, Fn::If or {Condition: X} naming no condition.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T014) {
  validity::report_undefined(
      ctx, graph::EdgeKind::Condition, validity::ids_of(ctx.tmpl.conditions()),
      "condition {} is not defined in Conditions", " Define it in Conditions or fix the name.");
}

}  // namespace stacklint::rules
