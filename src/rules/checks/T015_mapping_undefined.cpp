// T015 mapping-undefined: Fn::FindInMap with a literal map name or key that Mappings lacks.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

std::vector<std::string_view> keys_of(const load::Node* mapping) {
  std::vector<std::string_view> keys;
  for (const load::Pair& pair : mapping->pairs) keys.push_back(pair.key->text);
  return keys;
}

}  // namespace

STACKLINT_CHECK(T015) {
  const graph::Template& tmpl = ctx.tmpl;
  // Per mapping (or second-level mapping) node, built on its first finding: the keys to
  // suggest from, so many missing keys in one big mapping do not list its keys again each.
  std::unordered_map<const load::Node*, validity::Suggestions> key_suggestions;
  auto keys_index = [&](const load::Node* map) -> const validity::Suggestions& {
    auto found = key_suggestions.find(map);
    if (found == key_suggestions.end()) found = key_suggestions.emplace(map, keys_of(map)).first;
    return found->second;
  };
  // Per mapping: the second-level keys any entry has (or every key, when an entry is not a
  // mapping), built once, so a computed top-level key costs a lookup, not a pass.
  struct SecondLevel {
    bool any_key = false;
    std::unordered_set<std::string_view> keys;
  };
  std::unordered_map<const load::Node*, SecondLevel> second_level;
  auto has_second_key = [&](const load::Node* map, std::string_view key) {
    auto found = second_level.find(map);
    if (found == second_level.end()) {
      SecondLevel level;
      for (const load::Pair& pair : map->pairs) {
        if (!pair.value->is_mapping())
          level.any_key = true;
        else
          for (const load::Pair& inner : pair.value->pairs) level.keys.insert(inner.key->text);
      }
      found = second_level.emplace(map, std::move(level)).first;
    }
    return found->second.any_key || found->second.keys.contains(key);
  };
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
        if (level == 1 && arg->items[2]->is_scalar() && !has_second_key(map, arg->items[2]->text))
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
              validity::suggest_or(key->text, keys_index(map), " Add the key or fix the name."));
      break;
    }
  }
}

}  // namespace stacklint::rules
