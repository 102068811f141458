// rules/ is the one source of truth: these tests fail when a rule file is malformed, when a rule
// and its implementation drift apart, or when the README or docs no longer match rules/.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <sstream>

#include "cli/catalog_output.h"
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
