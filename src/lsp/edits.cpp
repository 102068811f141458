#include "lsp/edits.h"

#include <unordered_set>
#include <vector>

namespace stacklint::lsp {

namespace {

using load::Node;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// The document's line break, as its first line ends ("\n" when it has one line).
std::string line_break(const load::Source& source) {
  const std::string& bytes = source.bytes();
  size_t at = bytes.find_first_of("\r\n");
  if (at == std::string::npos || bytes[at] == '\n') return "\n";
  return at + 1 < bytes.size() && bytes[at + 1] == '\n' ? "\r\n" : "\r";
}

// In `line`, where a `# stacklint: ignore IDS [-- reason]` comment's ids end: a new id goes
// there. npos when the line has no such comment.
size_t ignore_ids_end(std::string_view line) {
  for (size_t hash = line.find('#'); hash != std::string_view::npos;
       hash = line.find('#', hash + 1)) {
    if (hash > 0 && !is_blank(line[hash - 1])) continue;
    size_t at = hash + 1;
    while (at < line.size() && is_blank(line[at])) ++at;
    if (line.substr(at).rfind("stacklint:", 0) != 0) continue;
    at += 10;
    while (at < line.size() && is_blank(line[at])) ++at;
    if (line.substr(at).rfind("ignore", 0) != 0) continue;
    size_t end = line.find("--", at + 6);
    if (end == std::string_view::npos) end = line.size();
    while (end > at + 6 && (is_blank(line[end - 1]) || line[end - 1] == '\r')) --end;
    return end > at + 6 ? end : std::string_view::npos;  // "ignore" with no id is malformed
  }
  return std::string_view::npos;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_flow(const load::Source& source, const Node* node) {
  size_t at = source.offset_of(node->range.begin);
  return at < source.bytes().size() && (source.bytes()[at] == '{' || source.bytes()[at] == '[');
}

// A new first key of a mapping. `block` holds the lines of the YAML block form (its first line
// "key:" or "key: value", the rest indented relative to the key); `flow` the JSON form
// `"key": value`, which is also YAML flow.
std::optional<ByteEdit> insert_first_key(const load::Source& source, const Node* mapping,
                                         const std::vector<std::string>& block,
                                         const std::string& flow) {
  const std::string& bytes = source.bytes();
  std::string br = line_break(source);
  if (is_flow(source, mapping)) {
    size_t open = source.offset_of(mapping->range.begin);
    if (mapping->pairs.empty()) return ByteEdit{open + 1, open + 1, flow};
    const load::Position first = mapping->pairs.front().key->range.begin;
    size_t at = source.offset_of(first);
    if (first.line == mapping->range.begin.line) return ByteEdit{at, at, flow + ", "};
    size_t line_start = source.offset_of({first.line, 1});
    std::string indent = bytes.substr(line_start, at - line_start);
    for (char c : indent) {
      if (!is_blank(c)) return ByteEdit{at, at, flow + ", "};
    }
    return ByteEdit{at, at, flow + "," + br + indent};
  }
  if (mapping->pairs.empty()) return std::nullopt;
  const load::Position first = mapping->pairs.front().key->range.begin;
  std::string indent(first.column - 1, ' ');
  std::string text;
  for (size_t i = 0; i < block.size(); ++i) text += (i == 0 ? "" : indent) + block[i] + br;
  size_t at = source.offset_of(first);
  return ByteEdit{at, at, text + indent};
}

// Adds `rule` to an existing ignore list (flow, block or a single scalar).
std::optional<ByteEdit> add_to_ignore(const load::Source& source, const Node* ignore,
                                      std::string_view rule, bool json) {
  const std::string& bytes = source.bytes();
  std::string id = json ? quoted(rule) : std::string(rule);
  if (ignore->is_scalar()) {
    size_t from = source.offset_of(ignore->range.begin), to = source.offset_of(ignore->range.end);
    return ByteEdit{from, to, "[" + bytes.substr(from, to - from) + ", " + id + "]"};
  }
  if (!ignore->is_sequence()) return std::nullopt;
  if (is_flow(source, ignore)) {
    if (ignore->items.empty()) {
      size_t open = source.offset_of(ignore->range.begin) + 1;
      return ByteEdit{open, open, id};
    }
    size_t end = source.offset_of(ignore->items.back()->range.end);
    return ByteEdit{end, end, ", " + id};
  }
  // A block sequence: a new item after the last, written as the last one is ("      - ").
  const Node* last = ignore->items.back();
  size_t item = source.offset_of(last->range.begin);
  size_t line_start = source.offset_of({last->range.begin.line, 1});
  std::string prefix = bytes.substr(line_start, item - line_start);
  size_t dash = prefix.find_first_not_of(" \t");
  if (dash == std::string::npos || prefix[dash] != '-' ||
      prefix.find_first_not_of(" \t", dash + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string_view last_line = source.line_text(last->range.end.line);
  size_t end = source.offset_of({last->range.end.line, 1}) + last_line.size();
  return ByteEdit{end, end, line_break(source) + prefix + id};
}

}  // namespace

ScalarLines::ScalarLines(const Node* root) {
  std::vector<const Node*> stack{root};
  std::unordered_set<const Node*> seen;  // an alias's nodes are its anchor's: walked once
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    if (node->is_scalar() && node->range.begin.line < node->range.end.line) {
      uint32_t first = node->range.begin.line, last = node->range.end.line;
      if (flags_.size() <= last) flags_.resize(last + 1, 0);
      flags_[first] |= kStarts;
      // The last line is covered unless the scalar ends at its very start (its line break).
      for (uint32_t line = first + 1; line <= last; ++line) {
        if (line < last || node->range.end.column > 1) flags_[line] |= kInside;
      }
    }
    for (const Node* item : node->items) stack.push_back(item);
    for (const load::Pair& pair : node->pairs) {
      stack.push_back(pair.key);
      stack.push_back(pair.value);
    }
  }
}

std::optional<ByteEdit> suppress_on_line(const load::Source& source, const load::Loaded& loaded,
                                         uint32_t line, std::string_view rule,
                                         const ScalarLines* scalars) {
  if (loaded.error || load::detect_format(source) != load::Format::Yaml || line == 0 ||
      line > source.line_count()) {
    return std::nullopt;
  }
  std::optional<ScalarLines> own;
  if (scalars == nullptr) scalars = &own.emplace(loaded.document.root);
  if (scalars->inside(line)) return std::nullopt;
  bool starts = scalars->starts(line);
  std::string_view text = source.line_text(line);
  size_t line_start = source.offset_of({line, 1});
  // A stacklint comment on the line, or on its own on the lines just above: one more id.
  if (size_t end = ignore_ids_end(text); end != std::string_view::npos) {
    return ByteEdit{line_start + end, line_start + end, ", " + std::string(rule)};
  }
  for (uint32_t above = line - 1; above >= 1; --above) {
    std::string_view comment = source.line_text(above);
    size_t content = comment.find_first_not_of(" \t\r");
    if (content == std::string_view::npos) continue;
    if (comment[content] != '#') break;
    if (size_t end = ignore_ids_end(comment); end != std::string_view::npos) {
      size_t at = source.offset_of({above, 1}) + end;
      return ByteEdit{at, at, ", " + std::string(rule)};
    }
  }
  std::string comment =
      "# stacklint: ignore " + std::string(rule) + " -- " + std::string(kReasonPlaceholder);
  if (!starts && text.find('#') == std::string_view::npos) {
    size_t end = line_start + text.size();
    return ByteEdit{end, end, " " + comment};
  }
  size_t indent = text.find_first_not_of(" \t");
  if (indent == std::string_view::npos) return std::nullopt;
  return ByteEdit{line_start, line_start,
                  std::string(text.substr(0, indent)) + comment + line_break(source)};
}

std::optional<ByteEdit> suppress_for_resource(const load::Source& source,
                                              const load::Loaded& loaded, std::string_view resource,
                                              std::string_view rule, const Node* found) {
  if (loaded.error || resource.empty()) return std::nullopt;
  const Node* root = loaded.document.root;
  const Node* resources = root != nullptr && root->is_mapping() ? root->get("Resources") : nullptr;
  const Node* target = found != nullptr                                  ? found
                       : resources != nullptr && resources->is_mapping() ? resources->get(resource)
                                                                         : nullptr;
  if (target == nullptr || !target->is_mapping() || target->shared) return std::nullopt;
  bool json = load::detect_format(source) == load::Format::Json;
  std::string id = json ? quoted(rule) : std::string(rule);
  std::string reason = json ? quoted(kReasonPlaceholder) : std::string(kReasonPlaceholder);
  std::string flow_ignore = "\"ignore\": [" + quoted(rule) + "]";
  std::string flow_stacklint =
      "\"stacklint\": {" + flow_ignore + ", \"reason\": " + quoted(kReasonPlaceholder) + "}";

  const Node* metadata = target->get("Metadata");
  if (metadata == nullptr) {
    return insert_first_key(
        source, target,
        {"Metadata:", "  stacklint:", "    ignore: [" + id + "]", "    reason: " + reason},
        "\"Metadata\": {" + flow_stacklint + "}");
  }
  if (!metadata->is_mapping() || metadata->shared) return std::nullopt;
  const Node* own = metadata->get("stacklint");
  if (own == nullptr) {
    return insert_first_key(source, metadata,
                            {"stacklint:", "  ignore: [" + id + "]", "  reason: " + reason},
                            flow_stacklint);
  }
  if (!own->is_mapping() || own->shared) return std::nullopt;
  const Node* ignore = own->get("ignore");
  if (ignore == nullptr) {
    return insert_first_key(source, own, {"ignore: [" + id + "]"}, flow_ignore);
  }
  return add_to_ignore(source, ignore, rule, json);
}

}  // namespace stacklint::lsp
