// T032 unused-mapping: a mapping that no Fn::FindInMap reads.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T032) {
  if (!validity::uses_are_visible(ctx)) return;
  // A computed map name may read any mapping.
  if (ctx.shared<validity::Generated>(ctx.tmpl).dynamic_find_in_map()) return;
  validity::report_unused(ctx, ctx.tmpl.mappings(), graph::TargetKind::Mapping, "Mappings",
                          [](const std::string& id) {
                            return "mapping " + id +
                                   " is not read by any Fn::FindInMap: its values reach no "
                                   "resource. Read it where it was meant to be used, or "
                                   "remove it.";
                          });
}

}  // namespace stacklint::rules
