// T013 sub-variable-undefined: a ${Name} in Fn::Sub that names nothing.
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T013) {
  const graph::Template& tmpl = ctx.tmpl;
  std::optional<validity::Suggestions> names;  // indexed once, on the first finding
  validity::for_each_undefined(ctx, graph::EdgeKind::Sub, [&](const graph::Edge& edge) {
    // The Sub's own variables, when they are a literal map; computed ones may define anything.
    const load::Node* variables = nullptr;
    if (edge.arg != nullptr && edge.arg->is_sequence() && edge.arg->items.size() > 1) {
      variables = edge.arg->items[1];
      std::string_view fn = variables->single_key();
      if (!variables->is_mapping() || fn == "Ref" || fn.substr(0, 4) == "Fn::") return;
    }
    std::string written = edge.target + (edge.attribute.empty() ? "" : "." + edge.attribute);
    std::string message = "${" + written + "} in Fn::Sub ";
    if (!edge.attribute.empty() && tmpl.parameter(edge.target) != nullptr) {
      message += "reads an attribute of parameter " + edge.target +
                 ", and parameters have no attributes. Write ${" + edge.target + "}.";
    } else {
      if (!names) names.emplace(validity::referable_names(tmpl));
      // The template's names (one list for every finding) and the Sub's own variables.
      std::vector<std::string_view> own;
      if (variables != nullptr) {
        for (const load::Pair& pair : variables->pairs) own.push_back(pair.key->text);
      }
      std::string_view best = names->closest(edge.target);
      std::string_view local = validity::closest(edge.target, own);
      if (best.empty() || (!local.empty() && validity::edit_distance(edge.target, local) <
                                                 validity::edit_distance(edge.target, best))) {
        best = local;
      }
      message +=
          "is not a variable of this Sub, a parameter, a resource or a pseudo "
          "parameter, so CloudFormation rejects the template." +
          (best.empty()
               ? " Define it, fix the name, or write ${!" + written + "} for the literal text."
               : " Did you mean " + std::string(best) + "?");
    }
    validity::report_edge(ctx, edge, std::move(message));
  });
}

}  // namespace stacklint::rules
