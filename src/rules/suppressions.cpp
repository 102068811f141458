#include "rules/suppressions.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace stacklint::rules {

namespace {

using load::Node;
using load::Range;

struct Suppression {
  enum class Scope : uint8_t { File, Resource, Line };
  Scope scope = Scope::File;
  std::string resource;  // Scope::Resource
  uint32_t line = 0;     // Scope::Line: the line a finding must start on
  std::string id;        // as written: a stacklint id or name, or the other tool's id
  std::string tool;      // empty for stacklint's own, else the key in RuleInfo::equivalents
  std::string reason;
  Range at;          // where the id is written
  std::string path;  // names the suppression for T090's identity
  bool used = false;
};

std::string scalar_text(const Node* node) {
  return node != nullptr && node->is_scalar() ? node->text : std::string();
}

// The items of a list, or a single scalar as a list of one.
std::vector<const Node*> items_of(const Node* node) {
  if (node == nullptr) return {};
  if (node->is_sequence()) return node->items;
  if (node->is_scalar()) return {node};
  return {};
}

const Node* mapping_at(const Node* node, std::string_view key) {
  const Node* value = node != nullptr && node->is_mapping() ? node->get(key) : nullptr;
  return value != nullptr && value->is_mapping() ? value : nullptr;
}

class Collector {
 public:
  explicit Collector(std::vector<Suppression>& out) : out_(out) {}

  // Suppressions in a Metadata mapping; `resource` is empty at the template's top level.
  void from_metadata(const Node* metadata, const std::string& resource, bool foreign) {
    if (metadata == nullptr || !metadata->is_mapping()) return;
    std::string prefix = resource.empty() ? "Metadata/" : "Resources/" + resource + "/Metadata/";
    if (const Node* own = mapping_at(metadata, "stacklint")) {
      std::string reason = scalar_text(own->get("reason"));
      for (const Node* id : items_of(own->get("ignore"))) {
        if (id->is_scalar()) add(resource, "", id, reason, prefix + "stacklint/ignore");
      }
    }
    if (!foreign) return;
    // cfn-lint reads its ignore_checks both on resources and at the top level.
    if (const Node* config = mapping_at(mapping_at(metadata, "cfn-lint"), "config")) {
      for (const Node* id : items_of(config->get("ignore_checks"))) {
        if (id->is_scalar()) add(resource, "cfn-lint", id, "", prefix + "cfn-lint");
      }
    }
    // cfn_nag, checkov and cfn-guard read suppressions on resources only.
    if (resource.empty()) return;
    if (const Node* nag = mapping_at(metadata, "cfn_nag")) {
      for (const Node* entry : items_of(nag->get("rules_to_suppress"))) {
        if (!entry->is_mapping()) continue;
        if (const Node* id = entry->get("id"); id != nullptr && id->is_scalar()) {
          add(resource, "cfn_nag", id, scalar_text(entry->get("reason")), prefix + "cfn_nag");
        }
      }
    }
    if (const Node* checkov = mapping_at(metadata, "checkov")) {
      for (const Node* entry : items_of(checkov->get("skip"))) {
        if (!entry->is_mapping()) continue;
        if (const Node* id = entry->get("id"); id != nullptr && id->is_scalar()) {
          add(resource, "checkov", id, scalar_text(entry->get("comment")), prefix + "checkov");
        }
      }
    }
    if (const Node* guard = mapping_at(metadata, "guard")) {
      for (const Node* id : items_of(guard->get("SuppressedRules"))) {
        if (id->is_scalar()) add(resource, "guard", id, "", prefix + "guard");
      }
    }
  }

 private:
  void add(const std::string& resource, const std::string& tool, const Node* id,
           const std::string& reason, const std::string& path) {
    Suppression s;
    s.scope = resource.empty() ? Suppression::Scope::File : Suppression::Scope::Resource;
    s.resource = resource;
    s.id = id->text;
    s.tool = tool;
    s.reason = reason;
    s.at = id->range;
    s.path = path + "/" + id->text;
    out_.push_back(std::move(s));
  }

  std::vector<Suppression>& out_;
};

// The ranges of every scalar in the tree, merged: a `#` inside one is text, not a comment.
std::vector<Range> scalar_ranges(const Node* root) {
  std::vector<Range> ranges;
  std::unordered_set<const Node*> seen;  // aliases share nodes
  std::vector<const Node*> stack{root};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    if (node->is_scalar()) ranges.push_back(node->range);
    for (const Node* item : node->items) stack.push_back(item);
    for (const load::Pair& pair : node->pairs) {
      stack.push_back(pair.key);
      stack.push_back(pair.value);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<Range> merged;
  for (const Range& range : ranges) {
    if (!merged.empty() && range.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, range.end);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

bool inside(const std::vector<Range>& ranges, load::Position pos) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), pos,
                             [](load::Position p, const Range& r) { return p < r.begin; });
  return it != ranges.begin() && pos < std::prev(it)->end;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

struct Malformed {
  Range at;
};

// `# stacklint: ignore R110, R150 -- reason` comments. A comment on a line of its own covers
// the next line that holds something other than comments; one after content covers its line.
void from_comments(const load::Source& source, const Node* root, std::vector<Suppression>& out,
                   std::vector<Malformed>& malformed) {
  if (load::detect_format(source) != load::Format::Yaml) return;
  // Most templates mention stacklint nowhere: then no comment can be a suppression.
  if (source.bytes().find("stacklint") == std::string::npos) return;
  std::vector<Range> scalars = scalar_ranges(root);
  std::vector<Suppression> waiting;  // own-line comments waiting for the line they cover
  uint32_t lines = static_cast<uint32_t>(source.line_count());
  for (uint32_t line = 1; line <= lines; ++line) {
    std::string_view text = source.line_text(line);
    size_t line_start = source.offset_of({line, 1});
    size_t hash = std::string_view::npos;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '#' || (i > 0 && !is_blank(text[i - 1]))) continue;
      if (!inside(scalars, source.position_at(line_start + i))) {
        hash = i;
        break;
      }
    }
    size_t content = text.find_first_not_of(" \t\r");
    bool own_line = hash != std::string_view::npos && content == hash;
    if (content != std::string_view::npos && !own_line) {
      for (Suppression& s : waiting) {
        s.line = line;
        out.push_back(std::move(s));
      }
      waiting.clear();
    }
    if (hash == std::string_view::npos) continue;
    std::string_view comment = text.substr(hash + 1);
    size_t at = comment.find_first_not_of(" \t");
    if (at == std::string_view::npos || comment.substr(at).rfind("stacklint:", 0) != 0) continue;
    size_t base = line_start + hash + 1;  // byte offset of comment[0]
    auto range_of = [&](size_t from, size_t to) {
      return Range{source.position_at(base + from), source.position_at(base + to)};
    };
    Range comment_range{source.position_at(line_start + hash),
                        source.position_at(line_start + text.size())};
    at += 10;
    while (at < comment.size() && is_blank(comment[at])) ++at;
    if (comment.substr(at).rfind("ignore", 0) != 0 ||
        (at + 6 < comment.size() && !is_blank(comment[at + 6]))) {
      malformed.push_back({comment_range});
      continue;
    }
    at += 6;
    size_t separator = comment.find("--", at);
    std::string_view ids = comment.substr(at, separator - at);
    std::string reason;
    if (separator != std::string_view::npos) {
      std::string_view rest = comment.substr(separator + 2);
      size_t first = rest.find_first_not_of(" \t");
      size_t last = rest.find_last_not_of(" \t\r");
      if (first != std::string_view::npos) reason = rest.substr(first, last - first + 1);
    }
    size_t before = out.size() + waiting.size();
    for (size_t i = 0; i < ids.size();) {
      if (!is_id_char(ids[i])) {
        if (!is_blank(ids[i]) && ids[i] != ',') break;
        ++i;
        continue;
      }
      size_t end = i;
      while (end < ids.size() && is_id_char(ids[end])) ++end;
      Suppression s;
      s.scope = Suppression::Scope::Line;
      s.line = line;
      s.id = std::string(ids.substr(i, end - i));
      s.reason = reason;
      s.at = range_of(at + i, at + end);
      s.path = "comment/" + s.id;
      (own_line ? waiting : out).push_back(std::move(s));
      i = end;
    }
    if (out.size() + waiting.size() == before) malformed.push_back({comment_range});
  }
  // Comments at the end of the file cover nothing; they are still reported as unused.
  for (Suppression& s : waiting) {
    s.line = 0;
    out.push_back(std::move(s));
  }
}

bool covers(const Suppression& s, const Finding& finding) {
  switch (s.scope) {
    case Suppression::Scope::File:
      return true;
    case Suppression::Scope::Resource:
      return finding.resource == s.resource;
    case Suppression::Scope::Line:
      return finding.range.begin.line == s.line;
  }
  return false;
}

bool names(const Suppression& s, const RuleInfo& rule) {
  if (s.tool.empty()) return s.id == rule.id || s.id == rule.name;
  auto it = rule.equivalents.find(s.tool);
  return it != rule.equivalents.end() &&
         std::find(it->second.begin(), it->second.end(), s.id) != it->second.end();
}

std::string foreign_reason(const Suppression& s) {
  std::string text = s.tool + " suppresses " + s.id;
  return s.reason.empty() ? text : text + ": " + s.reason;
}

}  // namespace

void apply_suppressions(const load::Source& source, const graph::Template& tmpl,
                        const Catalog& catalog, const LintOptions& options,
                        std::vector<Finding>& findings) {
  std::vector<Suppression> suppressions;
  std::vector<Malformed> malformed;
  from_comments(source, tmpl.root(), suppressions, malformed);
  Collector collector(suppressions);
  for (const graph::Resource& resource : tmpl.resources()) {
    if (resource.metadata != nullptr) {
      collector.from_metadata(resource.metadata, resource.id, options.foreign_suppressions);
    }
  }
  collector.from_metadata(tmpl.root()->get("Metadata"), "", options.foreign_suppressions);
  // Most templates have none: then there is nothing to index, match or report as unused.
  if (suppressions.empty() && malformed.empty()) return;

  // Suppressions indexed by what they cover and the rule they name, so each finding looks up
  // three lists (its file, resource and line) instead of comparing with every suppression.
  auto scope_key = [](Suppression::Scope scope, std::string_view where, std::string_view rule) {
    std::string key(1, static_cast<char>('0' + static_cast<int>(scope)));
    key += where;
    key += '\n';
    key += rule;
    return key;
  };
  std::unordered_map<std::string, std::vector<size_t>> index;
  for (size_t i = 0; i < suppressions.size(); ++i) {
    const Suppression& s = suppressions[i];
    std::string where = s.scope == Suppression::Scope::Resource ? s.resource
                        : s.scope == Suppression::Scope::Line   ? std::to_string(s.line)
                                                                : std::string();
    std::vector<const RuleInfo*> named;
    if (s.tool.empty()) {
      if (const RuleInfo* rule = catalog.find(s.id)) named.push_back(rule);
    } else if (const std::vector<const RuleInfo*>* rules = catalog.with_equivalent(s.tool, s.id)) {
      named = *rules;
    }
    for (const RuleInfo* rule : named) index[scope_key(s.scope, where, rule->id)].push_back(i);
  }
  std::vector<size_t> matching;
  for (Finding& finding : findings) {
    matching.clear();
    for (auto [scope, where] :
         {std::pair{Suppression::Scope::File, std::string()},
          std::pair{Suppression::Scope::Resource, finding.resource},
          std::pair{Suppression::Scope::Line, std::to_string(finding.range.begin.line)}}) {
      auto it = index.find(scope_key(scope, where, finding.rule->id));
      if (it != index.end()) matching.insert(matching.end(), it->second.begin(), it->second.end());
    }
    // In the order they were collected: stacklint's own suppressions come first, so their
    // reason is the one reported.
    std::sort(matching.begin(), matching.end());
    for (size_t i : matching) {
      Suppression& s = suppressions[i];
      if (!covers(s, finding) || !names(s, *finding.rule)) continue;
      s.used = true;
      if (finding.suppressed) continue;
      finding.suppressed = true;
      finding.suppression_kind = s.tool.empty() ? "inSource" : "external";
      finding.suppression_reason = s.tool.empty() ? s.reason : foreign_reason(s);
    }
  }

  const RuleInfo* unused = catalog.find("T090");
  if (unused == nullptr || !options.selection.enabled(*unused)) return;
  auto report = [&](Range at, std::string message, std::string path, std::string resource) {
    Finding finding;
    finding.rule = unused;
    finding.severity = options.selection.severity_of(*unused);
    finding.range = at;
    finding.message = std::move(message);
    finding.path = std::move(path);
    finding.resource = std::move(resource);
    findings.push_back(std::move(finding));
  };
  for (const Malformed& m : malformed) {
    report(m.at,
           "This comment starts with `stacklint:` but is not a suppression: write `# stacklint: "
           "ignore R110 -- reason` (one or more rule ids or names, then the reason).",
           "comment", "");
  }
  for (const Suppression& s : suppressions) {
    if (s.used || !s.tool.empty()) continue;
    const RuleInfo* rule = catalog.find(s.id);
    if (rule == nullptr) {
      report(s.at,
             "The suppression names " + s.id +
                 ", which is not a stacklint rule (see `stacklint rules`).",
             s.path, s.resource);
    } else if (options.selection.enabled(*rule)) {
      // A rule that did not run cannot show whether its suppression is still needed.
      std::string where = s.scope == Suppression::Scope::Line       ? "on the line it covers"
                          : s.scope == Suppression::Scope::Resource ? "on " + s.resource
                                                                    : "in this template";
      report(s.at,
             "The suppression of " + rule->id + " " + rule->name +
                 " suppresses nothing: " + rule->id + " reports nothing " + where + ". Remove it.",
             s.path, s.resource);
    }
  }
}

}  // namespace stacklint::rules
