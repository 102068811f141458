#include "rules/catalog.h"

#include <algorithm>
#include <cstdint>

#include "rules/check.h"
#include "rules/checks/T0_validity.h"
#include "rules/declarative.h"
#include "rules/embedded.h"

namespace stacklint::rules {

namespace {

// Finds a graph rule's check once, for every template the catalogue's rules run on.
void link_check(RuleInfo& rule) {
  if (rule.implementation == "graph") rule.graph_check = CheckRegistry::instance().find(rule.id);
}

std::string scalar_text(const load::Node* node) {
  return node != nullptr && node->is_scalar() ? node->text : std::string();
}

bool is_kebab_case(std::string_view name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// compile()'s encoding. A number is an unsigned LEB128 varint; a string, its length and bytes;
// a list of strings, its count and each string. A node is one byte (kind | style << 2 |
// shared << 3), its range (four numbers), its text, then a count and its items, or a count and
// each pair's key and value nodes. Compact and read in one pass with no parsing to speak of.
constexpr std::string_view kCompiledMagic = "stacklint-catalog-1";

class Encoder {
 public:
  void number(uint64_t n) {
    for (; n >= 0x80; n >>= 7) out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    out.push_back(static_cast<char>(n));
  }
  void text(std::string_view s) {
    number(s.size());
    out.append(s);
  }
  void texts(const std::vector<std::string>& list) {
    number(list.size());
    for (const std::string& s : list) text(s);
  }
  void node(const load::Node& n) {
    out.push_back(static_cast<char>(static_cast<unsigned>(n.kind) |
                                    static_cast<unsigned>(n.style) << 2 | (n.shared ? 8u : 0u)));
    for (uint32_t part :
         {n.range.begin.line, n.range.begin.column, n.range.end.line, n.range.end.column}) {
      number(part);
    }
    text(n.text);
    if (n.is_sequence()) {
      number(n.items.size());
      for (const load::Node* item : n.items) node(*item);
    } else if (n.is_mapping()) {
      number(n.pairs.size());
      for (const load::Pair& pair : n.pairs) {
        node(*pair.key);
        node(*pair.value);
      }
    }
  }
  std::string out;
};

// Reads what Encoder wrote. Past the end of the input, or on a count larger than the bytes left,
// it stops and failed() says so: a corrupt input never reads out of bounds nor allocates a lot.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool at_end() const { return pos_ == in_.size(); }
  uint64_t number() {
    uint64_t n = 0;
    for (unsigned shift = 0; shift < 64 && pos_ < in_.size(); shift += 7) {
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      n |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return n;
    }
    failed_ = true;
    return 0;
  }
  // A count of things that each take at least one more byte.
  size_t count() {
    uint64_t n = number();
    if (n > in_.size() - pos_) failed_ = true;
    return failed_ ? 0 : static_cast<size_t>(n);
  }
  std::string text() {
    size_t n = count();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> list(count());
    for (std::string& s : list) s = text();
    return list;
  }
  load::Node* node(load::Document& document) {
    load::Node* n = document.make();
    if (pos_ >= in_.size()) {
      failed_ = true;
      return n;
    }
    auto head = static_cast<unsigned char>(in_[pos_++]);
    n->kind = static_cast<load::NodeKind>(head & 3);
    n->style = static_cast<load::ScalarStyle>((head >> 2) & 1);
    n->shared = (head & 8) != 0;
    for (uint32_t* part :
         {&n->range.begin.line, &n->range.begin.column, &n->range.end.line, &n->range.end.column}) {
      *part = static_cast<uint32_t>(number());
    }
    n->text = text();
    if (n->is_sequence()) {
      n->items.resize(count());
      for (const load::Node*& item : n->items) item = node(document);
    } else if (n->is_mapping()) {
      n->pairs.resize(count());
      for (load::Pair& pair : n->pairs) {
        pair.key = node(document);
        pair.value = node(document);
      }
    }
    return n;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace

void Catalog::add_file(const std::string& name, std::string text, bool builtin) {
  static const std::vector<std::string_view> kKeys = {
      "id",   "name", "severity",    "title",          "source",
      "tags", "docs", "equivalents", "implementation", "check"};
  static const std::vector<std::string_view> kDocKeys = {"what", "why", "example", "fix"};
  File file;
  file.source = std::make_unique<load::Source>(name, std::move(text));
  file.loaded = std::make_unique<load::Loaded>(load::load(*file.source));
  const load::Loaded& loaded = *file.loaded;
  size_t errors_before = errors_.size();
  // Every problem is "file:line:column: what", like a finding, so an editor can jump to it.
  auto fail_at = [&](const load::Node* node, load::Position at, const std::string& message) {
    if (node != nullptr) at = node->range.begin;
    errors_.push_back(name + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                      ": " + message);
  };
  auto fail = [&](const load::Node* node, const std::string& message) {
    fail_at(node, load::Position{1, 1}, message);
  };
  if (loaded.error) {
    fail_at(nullptr, loaded.error->range.begin, loaded.error->message);
    return;
  }
  const load::Node* root = loaded.document.root;
  if (!root->is_mapping()) {
    fail(root, "a rule file is a mapping (id, name, severity, title, source, tags, docs, ...)");
    return;
  }
  // Each key of `node` that is not in `known`, with the closest known one when it is a typo.
  auto unknown_keys = [&](const load::Node* node, const std::vector<std::string_view>& known,
                          const std::string& where) {
    for (const load::Pair& pair : node->pairs) {
      if (std::find(known.begin(), known.end(), pair.key->text) != known.end()) continue;
      std::string message = "unknown key `" + pair.key->text + "` in " + where;
      std::string_view near = validity::closest(pair.key->text, known);
      if (!near.empty()) message += "; did you mean `" + std::string(near) + "`?";
      fail(pair.key, message);
    }
  };
  unknown_keys(root, kKeys, "a rule file");
  // A scalar setting: a string, else an error at the value.
  auto scalar = [&](std::string_view key) -> std::string {
    const load::Node* node = root->get(key);
    if (node == nullptr) return {};
    if (!node->is_scalar()) {
      fail(node, "`" + std::string(key) + "` is a string");
      return {};
    }
    return node->text;
  };
  auto rule = std::make_unique<RuleInfo>();
  rule->file = name;
  rule->builtin = builtin;
  rule->id = scalar("id");
  rule->name = scalar("name");
  rule->title = scalar("title");
  rule->source = scalar("source");
  rule->implementation = scalar("implementation");
  if (rule->id.empty()) fail(root->get("id"), "missing id");
  if (!is_kebab_case(rule->name)) fail(root->get("name"), "name must be kebab-case");
  if (rule->title.empty()) fail(root->get("title"), "missing title");
  if (rule->source.empty()) {
    fail(root->get("source"), "missing source (the note and section the rule comes from)");
  }
  if (!parse_severity(scalar("severity"), rule->severity)) {
    fail(root->get("severity"), "severity must be error, warning or info");
  }
  if (const load::Node* tags = root->get("tags")) {
    if (!tags->is_sequence()) fail(tags, "`tags` is a list, e.g. [resilience, database]");
    for (const load::Node* tag : tags->items) {
      if (!tag->is_scalar() || tag->text.empty()) fail(tag, "a tag is a string");
      rule->tags.push_back(scalar_text(tag));
    }
  }
  const load::Node* docs = root->get("docs");
  if (docs != nullptr && !docs->is_mapping()) fail(docs, "`docs` is a mapping");
  if (docs != nullptr && docs->is_mapping()) {
    unknown_keys(docs, kDocKeys, "docs");
    rule->docs.what = scalar_text(docs->get("what"));
    rule->docs.why = scalar_text(docs->get("why"));
    rule->docs.example = scalar_text(docs->get("example"));
    rule->docs.fix = scalar_text(docs->get("fix"));
  }
  if (rule->docs.what.empty() || rule->docs.why.empty() || rule->docs.example.empty() ||
      rule->docs.fix.empty()) {
    fail(docs, "docs needs what, why, example and fix");
  }
  if (const load::Node* equivalents = root->get("equivalents")) {
    if (!equivalents->is_mapping()) fail(equivalents, "`equivalents` maps tools to their ids");
    for (const load::Pair& pair : equivalents->pairs) {
      auto& ids = rule->equivalents[pair.key->text];
      if (pair.value->is_scalar()) ids.push_back(pair.value->text);
      for (const load::Node* id : pair.value->items) ids.push_back(scalar_text(id));
    }
  }
  rule->check = root->get("check");
  if (rule->check != nullptr) {
    if (rule->implementation.empty()) rule->implementation = "declarative";
    for (const CheckProblem& problem : validate_declarative_check(rule->check)) {
      fail_at(nullptr, problem.at, problem.message);
    }
  }
  if (rule->implementation != "declarative" && rule->implementation != "graph" &&
      rule->implementation != "engine") {
    fail(root->get("implementation"),
         "implementation must be graph or engine, or the rule needs a declarative check");
  }
  if (rule->implementation == "declarative" && rule->check == nullptr) fail(root, "missing check");
  // A rule with a problem is not added: it would run as something other than what was written.
  if (errors_.size() != errors_before) return;
  if (find(rule->id) != nullptr || find(rule->name) != nullptr) {
    fail(root->get("id"), "duplicate rule id or name " + rule->id);
    return;
  }
  link_check(*rule);
  index_equivalents(*rule);
  ordered_.push_back(rule.get());
  rules_.push_back(std::move(rule));
  order();
  files_.push_back(std::move(file));
}

const Catalog& Catalog::builtin() {
  // Never destroyed: freeing its strings and nodes at exit costs a short run about 2% of its
  // instructions, for memory the process returns anyway (still reachable: no leak is reported).
  static const Catalog* catalog = [] {
    auto* c = new Catalog;
    c->add_builtin();
    return c;
  }();
  return *catalog;
}

void Catalog::add_builtin() {
  add_compiled(std::string_view(kCompiledCatalog, kCompiledCatalogSize), true);
}

std::string Catalog::compile() const {
  Encoder out;
  out.text(kCompiledMagic);
  out.number(ordered_.size());
  for (const RuleInfo* rule : ordered_) {
    out.text(rule->file);
    out.text(rule->id);
    out.text(rule->name);
    out.number(static_cast<uint64_t>(rule->severity));
    out.text(rule->title);
    out.text(rule->source);
    out.texts(rule->tags);
    for (const std::string* doc :
         {&rule->docs.what, &rule->docs.why, &rule->docs.example, &rule->docs.fix}) {
      out.text(*doc);
    }
    out.number(rule->equivalents.size());
    for (const auto& [tool, ids] : rule->equivalents) {
      out.text(tool);
      out.texts(ids);
    }
    out.text(rule->implementation);
    out.number(rule->check != nullptr ? 1 : 0);
    if (rule->check != nullptr) out.node(*rule->check);
  }
  return std::move(out.out);
}

void Catalog::add_compiled(std::string_view bytes, bool builtin) {
  Decoder in(bytes);
  auto document = std::make_unique<load::Document>();
  bool valid = in.text() == kCompiledMagic;
  size_t count = valid ? in.count() : 0;
  for (size_t i = 0; i < count && !in.failed(); ++i) {
    auto rule = std::make_unique<RuleInfo>();
    rule->builtin = builtin;
    rule->file = in.text();
    rule->id = in.text();
    rule->name = in.text();
    rule->severity = static_cast<Severity>(in.number());
    rule->title = in.text();
    rule->source = in.text();
    rule->tags = in.texts();
    for (std::string* doc :
         {&rule->docs.what, &rule->docs.why, &rule->docs.example, &rule->docs.fix}) {
      *doc = in.text();
    }
    for (size_t tools = in.count(); tools > 0 && !in.failed(); --tools) {
      std::string tool = in.text();
      rule->equivalents[std::move(tool)] = in.texts();
    }
    rule->implementation = in.text();
    if (in.number() == 1) rule->check = in.node(*document);
    if (in.failed()) break;
    link_check(*rule);
    index_equivalents(*rule);
    ordered_.push_back(rule.get());
    rules_.push_back(std::move(rule));
  }
  if (!valid || in.failed() || !in.at_end()) {
    errors_.push_back("the compiled rule catalogue is corrupt or from another version");
  }
  order();
  compiled_.push_back(std::move(document));
}

void Catalog::order() {
  std::sort(ordered_.begin(), ordered_.end(),
            [](const RuleInfo* a, const RuleInfo* b) { return a->id < b->id; });
  runnable_.clear();
  for (const RuleInfo* rule : ordered_) {
    // Only a graph rule has a graph check; a rule of the engine's has nothing to run.
    if (rule->graph_check != nullptr || rule->implementation == "declarative")
      runnable_.push_back({rule, rule->graph_check});
  }
  unreadable_ = find("T001");
  aliases_ = find("T004");
  limited_ = find("T007");
}

const RuleInfo* Catalog::find(std::string_view id_or_name) const {
  // By id first, in the rules sorted by id (the engine asks for T001, T004, T007 per template),
  // then by name.
  auto it =
      std::lower_bound(ordered_.begin(), ordered_.end(), id_or_name,
                       [](const RuleInfo* rule, std::string_view id) { return rule->id < id; });
  if (it != ordered_.end() && (*it)->id == id_or_name) return *it;
  for (const RuleInfo* rule : ordered_) {
    if (rule->name == id_or_name) return rule;
  }
  return nullptr;
}

void Catalog::index_equivalents(const RuleInfo& rule) {
  for (const auto& [tool, ids] : rule.equivalents) {
    for (const std::string& id : ids) equivalents_[tool + '\n' + id].push_back(&rule);
  }
}

const std::vector<const RuleInfo*>* Catalog::with_equivalent(std::string_view tool,
                                                             std::string_view id) const {
  std::string key;
  key.reserve(tool.size() + 1 + id.size());
  key.append(tool).append(1, '\n').append(id);
  auto it = equivalents_.find(key);
  return it == equivalents_.end() ? nullptr : &it->second;
}

size_t Catalog::index_of(const RuleInfo* rule) const {
  auto it = std::find(ordered_.begin(), ordered_.end(), rule);
  return static_cast<size_t>(it - ordered_.begin());
}

}  // namespace stacklint::rules
