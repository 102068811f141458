// T107 value-length-out-of-range: a string or list too short or too long for its property. The walk
// and the messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T107) {
  valuechecks::report(ctx, valuechecks::Problem::Length);
}

}  // namespace stacklint::rules
