// T030 unused-parameter: a parameter that nothing references.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T030) {
  if (!validity::uses_are_visible(ctx)) return;
  validity::report_unused(
      ctx, ctx.tmpl.parameters(), graph::TargetKind::Parameter, "Parameters",
      [](const std::string& id) {
        return "parameter " + id +
               " is not used: nothing refers to it (Ref, Fn::Sub, or a Rules function), so "
               "the value people enter changes nothing. Use it where it was meant to go, or "
               "remove it.";
      });
}

}  // namespace stacklint::rules
