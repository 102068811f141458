// T104 value-not-allowed: a value outside the property's allowed values (enum). The walk and the
// messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T104) {
  valuechecks::report(ctx, valuechecks::Problem::Allowed);
}

}  // namespace stacklint::rules
