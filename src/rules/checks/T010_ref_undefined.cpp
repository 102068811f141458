// T010 ref-undefined: a Ref that names no parameter, resource or pseudo parameter.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T010) {
  const graph::Template& tmpl = ctx.tmpl;
  std::optional<validity::Suggestions> names;  // indexed once, on the first finding
  validity::for_each_undefined(ctx, graph::EdgeKind::Ref, [&](const graph::Edge& edge) {
    if (!names) names.emplace(validity::referable_names(tmpl));
    std::string message = "Ref " + edge.target +
                          " names no parameter, resource or pseudo parameter, so "
                          "CloudFormation rejects the template.";
    if (tmpl.condition(edge.target) != nullptr) {
      message += " " + edge.target + " is a condition: use it with Fn::If, not Ref.";
    } else if (tmpl.mapping(edge.target) != nullptr) {
      message += " " + edge.target + " is a mapping: read it with Fn::FindInMap, not Ref.";
    } else {
      message += validity::suggest_or(edge.target, *names,
                                      " Declare it in Parameters or Resources, or fix the name.");
    }
    validity::report_edge(ctx, edge, std::move(message));
  });
}

}  // namespace stacklint::rules
