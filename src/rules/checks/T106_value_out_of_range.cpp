// T106 value-out-of-range: a number below the property's minimum or above its maximum. The walk and
// the messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T106) {
  valuechecks::report(ctx, valuechecks::Problem::Range);
}

}  // namespace stacklint::rules
