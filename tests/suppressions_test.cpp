// Suppressions, form by form, against a catalog with one test rule whose equivalents name every
// other tool, so that these tests do not depend on which rules map to which tool today.
#include <doctest/doctest.h>

#include "rules/catalog.h"
#include "rules/suppressions.h"
#include "test_support.h"

using namespace stacklint;

namespace {

const rules::Catalog& test_catalog() {
  static const rules::Catalog catalog = [] {
    rules::Catalog c;
    c.add_builtin();
    c.add_file("rules/X900.yaml", R"(id: X900
name: topic-without-name
severity: warning
title: t
source: s
equivalents:
  cfn-lint: [W9999]
  cfn_nag: [W99]
  checkov: [CKV_AWS_999]
  guard: [TOPIC_NAMED]
check:
  resource-types: [AWS::SNS::Topic]
  when: {not: {property: TopicName, exists: true}}
  message: Topic {resource} has no name.
docs: {what: w, why: y, example: e, fix: f}
)");
    return c;
  }();
  return catalog;
}

rules::FileResult lint(const std::string& text, bool foreign = true) {
  rules::LintOptions options;
  options.selection.select = {"X900", "T090"};
  options.foreign_suppressions = foreign;
  return rules::lint(std::make_shared<const load::Source>("t.yaml", text), test_catalog(), options);
}

// "X900@line suppressed(kind: reason)" per finding.
std::vector<std::string> describe(const rules::FileResult& result) {
  std::vector<std::string> out;
  for (const rules::Finding& f : result.findings) {
    std::string text = f.rule->id + "@" + std::to_string(f.range.begin.line);
    if (f.suppressed) text += " " + f.suppression_kind + ": " + f.suppression_reason;
    out.push_back(text);
  }
  return out;
}

using Keys = std::vector<std::string>;

}  // namespace

TEST_CASE("the test catalog loads") {
  CHECK(test_catalog().errors().empty());
}

TEST_CASE("resource Metadata suppresses that resource's findings only, with its reason") {
  auto result = lint(R"(Resources:
  A:
    Type: AWS::SNS::Topic
    Metadata:
      stacklint: {ignore: [X900], reason: "named by the stack"}
  B:
    Type: AWS::SNS::Topic
)");
  CHECK(describe(result) == Keys{"X900@2 inSource: named by the stack", "X900@6"});
}

TEST_CASE("a rule may be named by its name, and ignore may be a single id") {
  auto result = lint(R"(Resources:
  A:
    Type: AWS::SNS::Topic
    Metadata: {stacklint: {ignore: topic-without-name}}
)");
  CHECK(describe(result) == Keys{"X900@2 inSource: "});
}

TEST_CASE("template Metadata suppresses the whole file") {
  auto result = lint(R"(Metadata:
  stacklint: {ignore: [X900], reason: "legacy stack"}
Resources:
  A: {Type: AWS::SNS::Topic}
  B: {Type: AWS::SNS::Topic}
)");
  CHECK(describe(result) == Keys{"X900@4 inSource: legacy stack", "X900@5 inSource: legacy stack"});
}

TEST_CASE("inline comments: on the finding's line, or on the lines above it") {
  auto result = lint(R"(Resources:
  A: {Type: AWS::SNS::Topic} # stacklint: ignore X900 -- same line
  # stacklint: ignore X900 -- line above
  # (a second comment between is fine)

  B: {Type: AWS::SNS::Topic}
  C: {Type: AWS::SNS::Topic}
)");
  CHECK(describe(result) ==
        Keys{"X900@2 inSource: same line", "X900@6 inSource: line above", "X900@7"});
}

TEST_CASE("a comment inside a quoted string or a block scalar is text, not a suppression") {
  auto result = lint(R"(Resources:
  A:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: "x # stacklint: ignore X900 -- no"
  B:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: |
        # stacklint: ignore X900 -- no
  C:
    Type: AWS::SNS::Topic
)");
  CHECK(describe(result) == Keys{"X900@2", "X900@6", "X900@11"});
}

TEST_CASE("several ids in one comment; an id that matches nothing is T090") {
  auto result = lint(R"(Resources:
  A: {Type: AWS::SNS::Topic} # stacklint: ignore X900, T090 -- both
)");
  CHECK(describe(result) == Keys{"X900@2 inSource: both", "T090@2"});
}

TEST_CASE("JSON templates have no comments, and Metadata works the same") {
  auto result = lint(
      R"({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Metadata": {"stacklint": {"ignore": ["X900"], "reason": "r"}}}}})");
  CHECK(describe(result) == Keys{"X900@1 inSource: r"});
}

TEST_CASE("other tools' suppressions map through equivalents, with their reason") {
  auto result = lint(R"(Resources:
  Lint:
    Type: AWS::SNS::Topic
    Metadata: {cfn-lint: {config: {ignore_checks: [W9999]}}}
  Nag:
    Type: AWS::SNS::Topic
    Metadata: {cfn_nag: {rules_to_suppress: [{id: W99, reason: "nag reason"}]}}
  Checkov:
    Type: AWS::SNS::Topic
    Metadata: {checkov: {skip: [{id: CKV_AWS_999, comment: "checkov comment"}]}}
  Guard:
    Type: AWS::SNS::Topic
    Metadata: {guard: {SuppressedRules: [TOPIC_NAMED]}}
  Unrelated:
    Type: AWS::SNS::Topic
    Metadata: {checkov: {skip: [{id: CKV_AWS_1, comment: "another check"}]}}
)");
  CHECK(describe(result) == Keys{"X900@2 external: cfn-lint suppresses W9999",
                                 "X900@5 external: cfn_nag suppresses W99: nag reason",
                                 "X900@8 external: checkov suppresses CKV_AWS_999: checkov comment",
                                 "X900@11 external: guard suppresses TOPIC_NAMED", "X900@14"});
  // Off: every finding is open again, and unused foreign suppressions are never T090.
  CHECK(describe(lint(testing::read_file(testing::source_dir() + "/testdata/T090/silent.yaml"),
                      false)) == Keys{});
}

TEST_CASE("cfn-lint's template-level ignore_checks covers the file; other tools' do not") {
  auto result = lint(R"(Metadata:
  cfn-lint: {config: {ignore_checks: [W9999]}}
  checkov: {skip: [{id: CKV_AWS_999}]}
Resources:
  A: {Type: AWS::SNS::Topic}
)");
  CHECK(describe(result) == Keys{"X900@5 external: cfn-lint suppresses W9999"});
  CHECK(describe(lint(R"(Metadata:
  cfn-lint: {config: {ignore_checks: [W9999]}}
Resources:
  A: {Type: AWS::SNS::Topic}
)",
                      false)) == Keys{"X900@4"});
}

TEST_CASE("stacklint's own suppression wins over another tool's for the reason") {
  auto result = lint(R"(Resources:
  A:
    Type: AWS::SNS::Topic
    Metadata:
      checkov: {skip: [{id: CKV_AWS_999, comment: "theirs"}]}
      stacklint: {ignore: [X900], reason: "ours"}
)");
  CHECK(describe(result) == Keys{"X900@2 inSource: ours"});
}

TEST_CASE("T090 follows the selection and the severity override") {
  rules::LintOptions options;
  options.selection.select = {"X900"};
  auto text = std::make_shared<const load::Source>(
      "t.yaml",
      "Resources:\n  A: {Type: AWS::SNS::Topic, Properties: {TopicName: n}} # "
      "stacklint: ignore X900\n");
  CHECK(rules::lint(text, test_catalog(), options).findings.empty());
  options.selection.select = {"X900", "T090"};
  options.selection.severity["T090"] = "error";
  auto result = rules::lint(text, test_catalog(), options);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].severity == rules::Severity::Error);
}
