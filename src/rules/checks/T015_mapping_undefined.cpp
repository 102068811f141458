// T015 mapping-undefined: Fn::FindInMap with a literal map name or key that Mappings lacks.
#include <algorithm>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

std::vector<std::string_view> keys_of(const load::Node* mapping) {
  std::vector<std::string_view> keys;
  for (const load::Pair& pair : mapping->pairs) keys.push_back(pair.key->text);
  return keys;
}

bool any_entry_has(const load::Node* mapping, std::string_view key) {
  return std::any_of(mapping->pairs.begin(), mapping->pairs.end(), [&](const load::Pair& pair) {
    return !pair.value->is_mapping() || pair.value->get(key) != nullptr;
  });
}

}  // namespace

STACKLINT_CHECK(T015) {
  const graph::Template& tmpl = ctx.tmpl;
  validity::report_undefined(ctx, graph::EdgeKind::FindInMap, validity::ids_of(tmpl.mappings()),
                             "Fn::FindInMap reads mapping {}, which is not defined in Mappings",
                             " Define it or fix the name.");
  const validity::Generated& generated = ctx.shared<validity::Generated>(tmpl);
  for (const graph::Edge& edge : tmpl.edges()) {
    // A fourth argument is AWS::LanguageExtensions' DefaultValue: a missing key is allowed.
    const load::Node* arg = edge.arg;
    if (edge.kind != graph::EdgeKind::FindInMap || edge.target_kind != graph::TargetKind::Mapping ||
        arg == nullptr || arg->items.size() != 3 || validity::uncertain_target(edge, generated)) {
      continue;
    }
    const load::Node* map = tmpl.mappings()[edge.target_index].node;
    std::string where = "mapping " + edge.target;
    for (size_t level = 1; level <= 2 && map != nullptr && map->is_mapping(); ++level) {
      const load::Node* key = arg->items[level];
      if (!key->is_scalar()) {
        // A computed top-level key may pick any entry, but a literal second key that no entry
        // has is still wrong.
        if (level == 1 && arg->items[2]->is_scalar() && !any_entry_has(map, arg->items[2]->text))
          validity::report_edge(ctx, edge, arg->items[2]->range,
                                "Fn::FindInMap reads key " + arg->items[2]->text + " of " + where +
                                    ", which no entry has, so CloudFormation rejects "
                                    "the template.");
        break;
      }
      const load::Node* next = map->get(key->text);
      if (next != nullptr) {
        map = next;
        where += "/" + key->text;
        continue;
      }
      validity::report_edge(
          ctx, edge, key->range,
          "Fn::FindInMap reads key " + key->text + " of " + where +
              ", which has no such key, so CloudFormation rejects the "
              "template." +
              validity::suggest_or(key->text, keys_of(map), " Add the key or fix the name."));
      break;
    }
  }
}

}  // namespace stacklint::rules
