#include "lsp/splice.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace stacklint::lsp {

namespace {

using load::Node;
using load::Position;

// Copies a tree into `into`, moving every position at or after `from` by `lines` lines, and
// putting `replacement` in place of `replaced` (a value) and `replacement_key` of its key.
class Copier {
 public:
  Copier(load::Document& into, Position from, int64_t lines)
      : into_(into), from_(from), lines_(lines) {}

  const Node* copy(const Node* node) {
    if (node == nullptr) return nullptr;
    // Only nodes reached from several places (merge keys) need to be copied once.
    if (node->shared) {
      if (auto it = done_.find(node); it != done_.end()) return it->second;
    }
    Node* out = into_.make();
    if (node->shared) done_[node] = out;
    out->kind = node->kind;
    out->style = node->style;
    out->shared = node->shared;
    out->text = node->text;
    out->range = {moved(node->range.begin), moved(node->range.end)};
    out->items.reserve(node->items.size());
    for (const Node* item : node->items) out->items.push_back(copy(item));
    out->pairs.reserve(node->pairs.size());
    for (const load::Pair& pair : node->pairs)
      out->pairs.push_back({copy(pair.key), copy(pair.value)});
    return out;
  }
  // A node of another tree, taken over as it is but `offset` lines down.
  const Node* adopt(const Node* node, uint32_t offset) {
    Copier other(into_, {0, 0}, offset);
    return other.copy(node);
  }

 private:
  Position moved(Position p) const {
    if (p < from_) return p;
    return {static_cast<uint32_t>(p.line + lines_), p.column};
  }
  load::Document& into_;
  Position from_;
  int64_t lines_;
  std::unordered_map<const Node*, Node*> done_;
};

size_t line_start(const load::Source& source, uint32_t line) {
  return source.offset_of({line, 1});
}

}  // namespace

std::optional<load::Loaded> load_edited(const load::Source& previous_source,
                                        const load::Loaded& previous, const load::Source& source,
                                        const load::Limits& limits) {
  const std::string& before = previous_source.bytes();
  const std::string& after = source.bytes();
  if (previous.error || !previous.document.yaml_aliases.empty() ||
      previous_source.content_start() != 0 || source.content_start() != 0 ||
      after.size() > limits.max_bytes ||
      load::detect_format(previous_source) != load::Format::Yaml ||
      load::detect_format(source) != load::Format::Yaml) {
    return std::nullopt;
  }
  // Directives (%TAG) change how the rest reads; a part read alone would not see them.
  if (before.rfind('%', 0) == 0 || before.find("\n%") != std::string::npos ||
      after.rfind('%', 0) == 0 || after.find("\n%") != std::string::npos) {
    return std::nullopt;
  }
  const Node* root = previous.document.root;
  const Node* resources = root != nullptr && root->is_mapping() ? root->get("Resources") : nullptr;
  if (resources == nullptr || !resources->is_mapping() || resources->pairs.empty() ||
      before[previous_source.offset_of(resources->range.begin)] == '{') {
    return std::nullopt;
  }

  // The edit: bytes [prefix, before.size() - suffix) became [prefix, after.size() - suffix).
  size_t limit = std::min(before.size(), after.size());
  size_t prefix = 0;
  while (prefix < limit && before[prefix] == after[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
    ++suffix;
  }
  size_t changed_end = before.size() - suffix;

  // The resource whose lines hold the edit: from its key's line to the next key's line (or the
  // next top-level key's, or the end).
  size_t count = resources->pairs.size();
  size_t index = count;
  size_t region_begin = 0, region_end = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t begin = line_start(previous_source, resources->pairs[i].key->range.begin.line);
    size_t end = before.size();
    if (i + 1 < count) {
      end = line_start(previous_source, resources->pairs[i + 1].key->range.begin.line);
    } else {
      for (size_t r = 0; r + 1 < root->pairs.size(); ++r) {
        if (root->pairs[r].value == resources) {
          end = line_start(previous_source, root->pairs[r + 1].key->range.begin.line);
        }
      }
    }
    if (begin <= prefix && changed_end < end) {
      index = i;
      region_begin = begin;
      region_end = end;
      break;
    }
  }
  if (index == count) return std::nullopt;
  const Node* old_key = resources->pairs[index].key;
  size_t new_end = region_end + after.size() - before.size();
  // The rest must start at a line start, as it did.
  if (new_end < region_begin || (new_end > 0 && new_end < after.size() &&
                                 after[new_end - 1] != '\n' && after[new_end - 1] != '\r')) {
    return std::nullopt;
  }
  std::string_view part(after.data() + region_begin, new_end - region_begin);
  // Read alone, the part must mean what it means in place: its first line the key at the same
  // indentation, every other line that holds something indented more (so it stays inside the
  // resource), no tabs at the start of a line.
  uint32_t indent = old_key->range.begin.column - 1;
  bool first = true;
  for (size_t at = 0; at < part.size();) {
    size_t end = part.find_first_of("\r\n", at);
    if (end == std::string_view::npos) end = part.size();
    std::string_view line = part.substr(at, end - at);
    size_t content = line.find_first_not_of(' ');
    if (content != std::string_view::npos && line[content] == '\t') return std::nullopt;
    if (first) {
      if (content != indent) return std::nullopt;
      first = false;
    } else if (content != std::string_view::npos && line[content] != '#' && content <= indent) {
      return std::nullopt;
    }
    at = end;
    if (at < part.size() && part[at] == '\r') ++at;
    if (at < part.size() && part[at] == '\n') ++at;
  }

  // What follows the part, a key at the part's indentation, as in place: yaml-cpp reads some
  // lines (a plain scalar going on over lines) differently at the end of the text and before a
  // key.
  bool sentinel = new_end < after.size();
  std::string part_text(part);
  if (sentinel) part_text += std::string(indent, ' ') + "_:\n";
  load::Source part_source(source.path(), std::move(part_text));
  load::Limits part_limits = limits;
  part_limits.max_depth = limits.max_depth > 2 ? limits.max_depth - 2 : 0;
  load::Loaded loaded_part = load::load(part_source, part_limits);
  const Node* part_root = loaded_part.document.root;
  if (loaded_part.error || !loaded_part.document.yaml_aliases.empty() || part_root == nullptr ||
      !part_root->is_mapping() || part_root->pairs.size() != (sentinel ? 2 : 1)) {
    return std::nullopt;
  }
  if (previous.document.node_count() + loaded_part.document.node_count() > limits.max_nodes) {
    return std::nullopt;
  }

  // Positions after the part move by the lines it gained or lost; those before stay.
  Position old_end = previous_source.position_at(region_end);
  Position new_end_position = source.position_at(new_end);
  if (region_end == before.size() || new_end == after.size()) {
    // Lines at the very end: the part runs to the end of the text in both.
    if (region_end != before.size() || new_end != after.size()) return std::nullopt;
  }
  int64_t shift = static_cast<int64_t>(new_end_position.line) - old_end.line;
  uint32_t offset = resources->pairs[index].key->range.begin.line - 1;

  load::Loaded result;
  Copier copier(result.document, region_end == before.size() ? Position{UINT32_MAX, 0} : old_end,
                shift);
  const load::Pair& replaced = resources->pairs[index];
  const load::Pair& replacement = part_root->pairs[0];
  // The containers that hold the part (root, Resources) are copied with their pairs; the pair
  // is swapped for the new one.
  Node* new_root = const_cast<Node*>(copier.copy(root));
  Node* new_resources = nullptr;
  for (load::Pair& pair : new_root->pairs) {
    if (pair.key->text == "Resources" && pair.value->is_mapping() &&
        pair.value->pairs.size() == count) {
      new_resources = const_cast<Node*>(pair.value);
      break;
    }
  }
  if (new_resources == nullptr) return std::nullopt;
  new_resources->pairs[index] = {copier.adopt(replacement.key, offset),
                                 copier.adopt(replacement.value, offset)};
  // A container that ended inside the part ends where the new part ends.
  Position part_end = new_resources->pairs[index].value->range.end;
  for (Node* container : {new_resources, new_root}) {
    Position old_container_end = container == new_root ? root->range.end : resources->range.end;
    if (old_container_end >= replaced.key->range.begin && old_container_end < old_end) {
      container->range.end = std::max(part_end, container->range.begin);
    }
  }
  result.document.root = new_root;
  return result;
}

}  // namespace stacklint::lsp
