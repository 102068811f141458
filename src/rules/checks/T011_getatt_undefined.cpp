// T011 getatt-undefined: a Fn::GetAtt whose resource does not exist.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T011) {
  const graph::Template& tmpl = ctx.tmpl;
  std::optional<validity::Suggestions> ids;  // indexed once, on the first finding
  validity::for_each_undefined(ctx, graph::EdgeKind::GetAtt, [&](const graph::Edge& edge) {
    std::string message = "Fn::GetAtt names " + edge.target + ", which is ";
    if (tmpl.parameter(edge.target) != nullptr) {
      message += "a parameter: parameters have no attributes. Use Ref " + edge.target + ".";
    } else {
      if (!ids) ids.emplace(validity::ids_of(tmpl.resources()));
      message += "not a resource of this template, so CloudFormation rejects it." +
                 validity::suggest_or(edge.target, *ids, " Declare the resource or fix the name.");
    }
    validity::report_edge(ctx, edge, std::move(message));
  });
}

}  // namespace stacklint::rules
