// T002 duplicate-key: a mapping that repeats a key. The loader keeps every pair in source
// order, so the repeat is still there to point at. A YAML alias shares its anchor's nodes, so
// each shared mapping is checked once however often it is aliased: one finding per written key.
#include <unordered_map>
#include <unordered_set>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

std::string join(const std::vector<std::string_view>& path) {
  std::string out;
  for (std::string_view part : path) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// Recursion is bounded by the loader's depth limit.
void check_node(CheckContext& ctx, const load::Node* node, std::vector<std::string_view>& path,
                std::unordered_set<const load::Node*>& checked) {
  if (node->items.empty() && node->pairs.empty()) return;
  if (node->shared && !checked.insert(node).second) return;  // aliased, and already checked
  for (size_t i = 0; i < node->items.size(); ++i) {
    path.push_back("*");
    check_node(ctx, node->items[i], path, checked);
    path.pop_back();
  }
  // Most mappings are small: compare keys directly; a hash map only for large ones.
  constexpr size_t kSmallMapping = 16;
  std::unordered_map<std::string_view, const load::Node*> index;
  if (node->pairs.size() > kSmallMapping) index.reserve(node->pairs.size());
  for (size_t p = 0; p < node->pairs.size(); ++p) {
    const load::Pair& pair = node->pairs[p];
    const load::Node* earlier = nullptr;
    if (node->pairs.size() <= kSmallMapping) {
      for (size_t q = 0; q < p && earlier == nullptr; ++q) {
        if (node->pairs[q].key->text == pair.key->text) earlier = node->pairs[q].key;
      }
    } else if (auto [it, inserted] = index.emplace(pair.key->text, pair.key); !inserted) {
      earlier = it->second;
    }
    if (earlier != nullptr) {
      path.push_back(pair.key->text);
      std::string resource = path.size() > 1 && path[0] == "Resources" ? std::string(path[1]) : "";
      Finding& finding =
          ctx.report_at(pair.key->range,
                        "key " + pair.key->text + " is repeated in this mapping (first on line " +
                            std::to_string(earlier->range.begin.line) +
                            "): CloudFormation rejects the template. Keep one " + pair.key->text +
                            " and merge or remove the other.",
                        join(path), std::move(resource));
      finding.related.push_back({earlier->range, "first " + pair.key->text + " here"});
      path.pop_back();
    }
    path.push_back(pair.key->text);
    check_node(ctx, pair.value, path, checked);
    path.pop_back();
  }
}

}  // namespace

STACKLINT_CHECK(T002) {
  // The shared walk of the whole tree says whether any mapping repeats a key (most templates
  // have none): only then is the tree walked again here, to say where.
  if (!ctx.shared<validity::Generated>(ctx.tmpl).repeats_keys()) return;
  std::vector<std::string_view> path;
  std::unordered_set<const load::Node*> checked;
  check_node(ctx, ctx.tmpl.root(), path, checked);
}

}  // namespace stacklint::rules
