// T103 property-type-mismatch: a value of the wrong type (integer, boolean, list, ...) for its
// property. The walk and the messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T103) {
  valuechecks::report(ctx, valuechecks::Problem::Type);
}

}  // namespace stacklint::rules
