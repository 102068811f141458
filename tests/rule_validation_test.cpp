// Issue 12: a rule file is validated at load (built-in and custom alike), and the command line's
// rule selectors (ids, names, tags, id prefixes) name what they say.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli/config.h"
#include "rules/catalog.h"

using namespace stacklint;

namespace {

// The catalogue's errors for one rule file whose `when` is `when`.
std::vector<std::string> errors_for(const std::string& when) {
  rules::Catalog catalog;
  catalog.add_file("X001.yaml",
                   "id: X001\nname: test-rule\nseverity: warning\ntitle: t\nsource: s\n"
                   "docs: {what: w, why: y, example: e, fix: f}\n"
                   "check:\n  resource-types: [AWS::S3::Bucket]\n  when: " +
                       when + "\n  message: m\n");
  if (catalog.errors().empty()) CHECK(catalog.find("X001") != nullptr);
  return catalog.errors();
}

}  // namespace

TEST_CASE("a well-formed custom rule loads") {
  CHECK(errors_for("{property: VersioningConfiguration.Status, equals: Enabled}").empty());
  CHECK(errors_for("{not: {property: Items.*.Id, exists: true}}").empty());
  CHECK(errors_for("{attribute: DeletionPolicy, in: [Retain, Snapshot]}").empty());
}

TEST_CASE("rule file problems are file:line:column errors, and the rule is left out") {
  auto one = [](const std::string& when, const std::string& expected) {
    std::vector<std::string> errors = errors_for(when);
    INFO(when);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == expected);
  };
  one("{property: A, exist: true}",
      "X001.yaml:9:23: unknown key `exist` in a condition; did you mean `exists`?");
  one("{property: A, matches: \"(x\"}",
      "X001.yaml:9:32: invalid regular expression `(x`: missing ): (x");
  one("{property: A..B, exists: true}",
      "X001.yaml:9:20: malformed property `A..B`: names separated by single dots, `*` for every "
      "item of a list");
  one("{attribute: A.B, exists: true}",
      "X001.yaml:9:21: malformed attribute `A.B`: one name, without dots");
  one("{property: A, at-least: ten}", "X001.yaml:9:33: `at-least` takes a number");
  one("{property: A, exists: maybe}", "X001.yaml:9:31: `exists` takes true or false");
  one("{any: []}", "X001.yaml:9:15: `any` takes a non-empty list of conditions");
  one("{property: A}",
      "X001.yaml:9:9: a condition needs exactly one operator (exists, equals, in, matches, "
      "greater-than, less-than, at-least, at-most)");
}

TEST_CASE("top-level keys and types of a rule file are checked") {
  rules::Catalog catalog;
  catalog.add_file("Y.yaml",
                   "id: Y001\nname: y\nseverity: warning\ntitle: t\nsource: s\ntag: [a]\n"
                   "docs: {what: w, why: y, example: e, fix: f, fxi: g}\nimplementation: graph\n");
  REQUIRE(catalog.errors().size() == 2);
  CHECK(catalog.errors()[0] ==
        "Y.yaml:6:1: unknown key `tag` in a rule file; did you mean `tags`?");
  CHECK(catalog.errors()[1] == "Y.yaml:7:45: unknown key `fxi` in docs; did you mean `fix`?");
  CHECK(catalog.find("Y001") == nullptr);
}

TEST_CASE("every built-in rule passes the validator, and is marked built-in") {
  const rules::Catalog& catalog = rules::Catalog::builtin();
  CHECK(catalog.errors().empty());
  for (const rules::RuleInfo* rule : catalog.rules()) CHECK(rule->builtin);
}

TEST_CASE("selectors: ids, names, tags, id prefixes; lists with or without spaces") {
  const rules::Catalog& catalog = rules::Catalog::builtin();
  CHECK(cli::split_list("R110, R150 ,,R151") == std::vector<std::string>{"R110", "R150", "R151"});
  CHECK(cli::split_list(" ").empty());
  auto ids = [&](std::string_view selector) {
    std::vector<std::string> out;
    for (const rules::RuleInfo* rule : cli::rules_selected_by(catalog, selector)) {
      out.push_back(rule->id);
    }
    return out;
  };
  CHECK(ids("R110") == std::vector<std::string>{"R110"});
  CHECK(ids("rds-instance-single-az") == std::vector<std::string>{"R110"});
  std::vector<std::string> r1 = ids("R1");
  CHECK(!r1.empty());
  for (const std::string& id : r1) CHECK(id.rfind("R1", 0) == 0);
  for (const rules::RuleInfo* rule : cli::rules_selected_by(catalog, "security")) {
    CHECK(std::find(rule->tags.begin(), rule->tags.end(), "security") != rule->tags.end());
  }
  CHECK(!ids("security").empty());
  CHECK(ids("R9").empty());
  CHECK(ids("rds").empty());  // a word is a tag or a name, never a prefix
  CHECK(cli::rule_suggestion(catalog, "R11O") == "; did you mean R110?");
  CHECK(cli::rule_suggestion(catalog, "resilence") == "; did you mean resilience?");
  CHECK(cli::rule_suggestion(catalog, "zzzzzzzz").empty());
}
