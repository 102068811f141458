// T109 yaml-boolean-string: an unquoted YAML 1.1 boolean word in a String property. The walk and
// the messages are shared with the other value checks (value_checks.h).
#include "rules/checks/value_checks.h"

namespace stacklint::rules {

STACKLINT_CHECK(T109) {
  valuechecks::report(ctx, valuechecks::Problem::YamlBoolean);
}

}  // namespace stacklint::rules
