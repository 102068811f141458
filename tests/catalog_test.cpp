// rules/ is the one source of truth: these tests fail when a rule file is malformed, when a rule
// and its implementation drift apart, or when the README or docs no longer match rules/.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <filesystem>
#include <sstream>

#include "cli/catalog_output.h"
#include "rules/catalog.h"
#include "rules/check.h"
#include "rules/declarative.h"
#include "test_support.h"

using namespace stacklint;

TEST_CASE("every rule file is well formed") {
  const rules::Catalog& catalog = rules::Catalog::builtin();
  std::string errors;
  for (const std::string& error : catalog.errors()) errors += error + "\n";
  INFO(errors);
  CHECK(catalog.errors().empty());
  CHECK_FALSE(catalog.rules().empty());
  for (const rules::RuleInfo* rule : catalog.rules()) {
    INFO(rule->file);
    CHECK(RE2::FullMatch(rule->id, "[TRSN][0-9]{3}"));
    CHECK(rule->file == "rules/" + rule->id + ".yaml");
    if (rule->implementation == "declarative") {
      std::string problems;
      for (const rules::CheckProblem& p : rules::validate_declarative_check(rule->check))
        problems += std::to_string(p.at.line) + ": " + p.message + "\n";
      INFO(problems);
      CHECK(problems.empty());
    }
  }
}

TEST_CASE("graph rules and their implementations match one to one") {
  const rules::Catalog& catalog = rules::Catalog::builtin();
  for (const rules::RuleInfo* rule : catalog.rules()) {
    INFO(rule->id);
    bool implemented = rules::CheckRegistry::instance().find(rule->id) != nullptr;
    CHECK(implemented == (rule->implementation == "graph"));
  }
  for (const std::string& id : rules::CheckRegistry::instance().ids()) {
    INFO("src/rules/checks implements " << id << ", which has no rules/" << id << ".yaml");
    CHECK(catalog.find(id) != nullptr);
  }
}

namespace {

std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  size_t a = text.find(begin);
  size_t b = text.find(end);
  if (a == std::string::npos || b == std::string::npos || b < a) return "<markers missing>";
  a += begin.size();
  return text.substr(a, b - a);
}

}  // namespace

TEST_CASE("the README rule table is generated from rules/") {
  std::ostringstream table;
  cli::write_catalog(rules::Catalog::builtin(), "markdown", table);
  std::string readme = testing::read_file(testing::source_dir() + "/README.md");
  INFO("regenerate with: tools/update-docs.sh");
  CHECK(between(readme, "<!-- rules-table:begin -->\n", "<!-- rules-table:end -->") == table.str());
}

TEST_CASE("docs/rules.md is generated from rules/") {
  std::ostringstream docs;
  cli::write_catalog(rules::Catalog::builtin(), "docs", docs);
  INFO("regenerate with: tools/update-docs.sh");
  CHECK(testing::read_file(testing::source_dir() + "/docs/rules.md") == docs.str());
}

namespace {

// Two trees alike in every field a rule reads: kind, style, text, range, items and pairs.
void check_same_tree(const load::Node* a, const load::Node* b, const std::string& where) {
  INFO(where);
  REQUIRE((a == nullptr) == (b == nullptr));
  if (a == nullptr) return;
  CHECK(a->kind == b->kind);
  CHECK(a->style == b->style);
  CHECK(a->shared == b->shared);
  CHECK(a->text == b->text);
  CHECK(a->range == b->range);
  REQUIRE(a->items.size() == b->items.size());
  for (size_t i = 0; i < a->items.size(); ++i) {
    check_same_tree(a->items[i], b->items[i], where + "/" + std::to_string(i));
  }
  REQUIRE(a->pairs.size() == b->pairs.size());
  for (size_t i = 0; i < a->pairs.size(); ++i) {
    check_same_tree(a->pairs[i].key, b->pairs[i].key, where + "/key " + a->pairs[i].key->text);
    check_same_tree(a->pairs[i].value, b->pairs[i].value, where + "/" + a->pairs[i].key->text);
  }
}

}  // namespace

TEST_CASE("the catalogue compiled into the binary is rules/*.yaml as the YAML reader reads them") {
  rules::Catalog source;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_dir() + "/rules")) {
    if (entry.path().extension() != ".yaml") continue;
    source.add_file("rules/" + entry.path().filename().string(),
                    testing::read_file(entry.path().string()), true);
  }
  std::string errors;
  for (const std::string& error : source.errors()) errors += error + "\n";
  INFO(errors);
  REQUIRE(source.errors().empty());
  const rules::Catalog& compiled = rules::Catalog::builtin();
  INFO("rebuild: the compiled catalogue is older than rules/");
  REQUIRE(compiled.rules().size() == source.rules().size());
  for (size_t i = 0; i < source.rules().size(); ++i) {
    const rules::RuleInfo& a = *source.rules()[i];
    const rules::RuleInfo& b = *compiled.rules()[i];
    INFO(a.file);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.severity == b.severity);
    CHECK(a.title == b.title);
    CHECK(a.source == b.source);
    CHECK(a.tags == b.tags);
    CHECK(a.docs.what == b.docs.what);
    CHECK(a.docs.why == b.docs.why);
    CHECK(a.docs.example == b.docs.example);
    CHECK(a.docs.fix == b.docs.fix);
    CHECK(a.equivalents == b.equivalents);
    CHECK(a.implementation == b.implementation);
    CHECK(a.file == b.file);
    CHECK(a.builtin == b.builtin);
    check_same_tree(a.check, b.check, "check");
  }
}

TEST_CASE("a compiled catalogue reads back whole, and a damaged one is an error, never a crash") {
  rules::Catalog original;
  original.add_builtin();
  std::string bytes = original.compile();
  rules::Catalog again;
  again.add_compiled(bytes, false);
  CHECK(again.errors().empty());
  REQUIRE(again.rules().size() == original.rules().size());
  CHECK(again.compile() == bytes);
  CHECK_FALSE(again.rules().front()->builtin);
  // Cut anywhere, with bytes after its end or from another version: it may lose rules, but it
  // says so.
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() / 3, bytes.size() - 1}) {
    rules::Catalog damaged;
    damaged.add_compiled(std::string_view(bytes).substr(0, cut), true);
    CHECK(damaged.errors().size() == 1);
    CHECK(damaged.rules().size() < original.rules().size());
  }
  for (std::string changed : {bytes + "x", std::string(bytes).replace(1, 9, "other-one")}) {
    rules::Catalog damaged;
    damaged.add_compiled(changed, true);
    CHECK(damaged.errors().size() == 1);
  }
}
