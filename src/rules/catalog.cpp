#include "rules/catalog.h"

#include <algorithm>

#include "rules/embedded.h"

namespace stacklint::rules {

namespace {

std::string scalar_text(const load::Node* node) {
  return node != nullptr && node->is_scalar() ? node->text : std::string();
}

bool is_kebab_case(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

void Catalog::add_file(const std::string& name, std::string text) {
  File file;
  file.source = std::make_unique<load::Source>(name, std::move(text));
  file.loaded = std::make_unique<load::Loaded>(load::load(*file.source));
  const load::Loaded& loaded = *file.loaded;
  auto fail = [&](const std::string& message) { errors_.push_back(name + ": " + message); };
  if (loaded.error) {
    fail(loaded.error->message);
    return;
  }
  const load::Node* root = loaded.document.root;
  if (!root->is_mapping()) {
    fail("a rule file is a mapping");
    return;
  }
  auto rule = std::make_unique<RuleInfo>();
  rule->file = name;
  rule->id = scalar_text(root->get("id"));
  rule->name = scalar_text(root->get("name"));
  rule->title = scalar_text(root->get("title"));
  rule->source = scalar_text(root->get("source"));
  rule->implementation = scalar_text(root->get("implementation"));
  if (rule->id.empty()) fail("missing id");
  if (!is_kebab_case(rule->name)) fail("name must be kebab-case");
  if (rule->title.empty()) fail("missing title");
  if (rule->source.empty()) fail("missing source (the note and section the rule comes from)");
  if (!parse_severity(scalar_text(root->get("severity")), rule->severity)) {
    fail("severity must be error, warning or info");
  }
  if (const load::Node* tags = root->get("tags")) {
    for (const load::Node* tag : tags->items) rule->tags.push_back(scalar_text(tag));
  }
  if (const load::Node* docs = root->get("docs"); docs != nullptr && docs->is_mapping()) {
    rule->docs.what = scalar_text(docs->get("what"));
    rule->docs.why = scalar_text(docs->get("why"));
    rule->docs.example = scalar_text(docs->get("example"));
    rule->docs.fix = scalar_text(docs->get("fix"));
  }
  if (rule->docs.what.empty() || rule->docs.why.empty() || rule->docs.example.empty() ||
      rule->docs.fix.empty()) {
    fail("docs needs what, why, example and fix");
  }
  if (const load::Node* equivalents = root->get("equivalents");
      equivalents != nullptr && equivalents->is_mapping()) {
    for (const load::Pair& pair : equivalents->pairs) {
      auto& ids = rule->equivalents[pair.key->text];
      if (pair.value->is_scalar()) ids.push_back(pair.value->text);
      for (const load::Node* id : pair.value->items) ids.push_back(scalar_text(id));
    }
  }
  rule->check = root->get("check");
  if (rule->check != nullptr) {
    if (rule->implementation.empty()) rule->implementation = "declarative";
  }
  if (rule->implementation != "declarative" && rule->implementation != "graph" &&
      rule->implementation != "engine") {
    fail("implementation must be graph or engine, or the rule needs a declarative check");
  }
  if (rule->implementation == "declarative" && rule->check == nullptr) fail("missing check");
  if (find(rule->id) != nullptr || find(rule->name) != nullptr) {
    fail("duplicate rule id or name " + rule->id);
    return;
  }
  ordered_.push_back(rule.get());
  std::sort(ordered_.begin(), ordered_.end(),
            [](const RuleInfo* a, const RuleInfo* b) { return a->id < b->id; });
  rules_.push_back(std::move(rule));
  files_.push_back(std::move(file));
}

const Catalog& Catalog::builtin() {
  static const Catalog catalog = [] {
    Catalog c;
    for (size_t i = 0; i < kEmbeddedRuleFileCount; ++i) {
      c.add_file(kEmbeddedRuleFiles[i].name, kEmbeddedRuleFiles[i].text);
    }
    return c;
  }();
  return catalog;
}

const RuleInfo* Catalog::find(std::string_view id_or_name) const {
  for (const RuleInfo* rule : ordered_) {
    if (rule->id == id_or_name || rule->name == id_or_name) return rule;
  }
  return nullptr;
}

size_t Catalog::index_of(const RuleInfo* rule) const {
  auto it = std::find(ordered_.begin(), ordered_.end(), rule);
  return static_cast<size_t>(it - ordered_.begin());
}

}  // namespace stacklint::rules
