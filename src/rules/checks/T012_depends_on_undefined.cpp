// T012 depends-on-undefined: DependsOn names a resource that does not exist.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T012) {
  validity::report_undefined(ctx, graph::EdgeKind::DependsOn,
                             validity::ids_of(ctx.tmpl.resources()),
                             "DependsOn names {}, which is not a resource of this template",
                             " Remove it or name an existing resource.");
}

}  // namespace stacklint::rules
