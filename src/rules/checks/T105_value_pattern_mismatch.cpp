// T105 value-pattern-mismatch: a string that does not match its property's pattern. The walk and
// the messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T105) {
  valuechecks::report(ctx, valuechecks::Problem::Pattern);
}

}  // namespace stacklint::rules
