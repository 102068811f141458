// The declarative check language of rules/*.yaml, on rules written for these tests.
#include <doctest/doctest.h>

#include "test_support.h"

using namespace stacklint;

namespace {

rules::FileResult lint_with_rule(const std::string& check, const std::string& template_text) {
  static std::vector<std::unique_ptr<rules::Catalog>> catalogs;  // findings point into them
  auto catalog = std::make_unique<rules::Catalog>();
  catalog->add_file("rules/X001.yaml",
                    "id: X001\nname: test-rule\nseverity: warning\n"
                    "title: t\nsource: s\n"
                    "docs: {what: w, why: y, example: e, fix: f}\n" +
                        check);
  REQUIRE(catalog->errors().empty());
  auto source = std::make_shared<const load::Source>("t.yaml", template_text);
  rules::FileResult result = rules::lint(source, *catalog, {});
  catalogs.push_back(std::move(catalog));
  return result;
}

const char* kAnyItemCheck =
    "check:\n"
    "  resource-types: [AWS::AutoScaling::AutoScalingGroup]\n"
    "  when: {property: TargetGroupARNs.*, exists: true}\n"
    "  message: m\n";

}  // namespace

TEST_CASE("a * path holds when an item exists in every alternative") {
  auto fires = lint_with_rule(kAnyItemCheck,
                              "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
                              "    Properties: {TargetGroupARNs: [a]}\n");
  CHECK(fires.findings.size() == 1);
  auto empty = lint_with_rule(kAnyItemCheck,
                              "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
                              "    Properties: {TargetGroupARNs: []}\n");
  CHECK(empty.findings.empty());
  // One branch has a target group and the other none: not proven, so silent.
  auto either = lint_with_rule(kAnyItemCheck,
                               "Conditions: {C: !Equals [a, b]}\n"
                               "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
                               "    Properties: {TargetGroupARNs: !If [C, [a], []]}\n");
  CHECK(either.findings.empty());
  auto unknown = lint_with_rule(kAnyItemCheck,
                                "Parameters: {P: {Type: CommaDelimitedList}}\n"
                                "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n"
                                "    Properties: {TargetGroupARNs: !Ref P}\n");
  CHECK(unknown.findings.empty());
}

TEST_CASE("not of an unknown value stays unknown, so the rule stays silent") {
  const char* check =
      "check:\n"
      "  resource-types: [AWS::RDS::DBInstance]\n"
      "  when: {not: {property: MultiAZ, equals: true}}\n"
      "  report-at: [MultiAZ]\n"
      "  message: '{resource} is single-AZ'\n";
  auto fires = lint_with_rule(check,
                              "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                              "    Properties: {MultiAZ: 'false'}\n");
  REQUIRE(fires.findings.size() == 1);
  CHECK(fires.findings[0].message == "D is single-AZ");
  CHECK(fires.findings[0].range.begin.column == 27);
  auto silent = lint_with_rule(check,
                               "Parameters: {M: {Type: String}}\n"
                               "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                               "    Properties: {MultiAZ: !Ref M}\n");
  CHECK(silent.findings.empty());
}

TEST_CASE("numeric comparisons and regular expressions") {
  const char* check =
      "check:\n"
      "  resource-types: [AWS::RDS::DBInstance]\n"
      "  when:\n"
      "    all:\n"
      "      - {property: BackupRetentionPeriod, at-most: 0}\n"
      "      - {property: Engine, matches: '^post'}\n"
      "  message: m\n";
  CHECK(lint_with_rule(check,
                       "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                       "    Properties: {BackupRetentionPeriod: 0, Engine: postgres}\n")
            .findings.size() == 1);
  CHECK(lint_with_rule(check,
                       "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                       "    Properties: {BackupRetentionPeriod: 7, Engine: postgres}\n")
            .findings.empty());
  CHECK(lint_with_rule(check,
                       "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                       "    Properties: {BackupRetentionPeriod: 0, Engine: mysql}\n")
            .findings.empty());
}

namespace {

const char* kMultiAzCheck =
    "check:\n"
    "  resource-types: [AWS::RDS::DBInstance]\n"
    "  when: {not: {property: MultiAZ, equals: true}}\n"
    "  report-at: [MultiAZ]\n"
    "  message: '{resource} is single-AZ.'\n";

size_t findings_for(const std::string& multi_az) {
  return lint_with_rule(kMultiAzCheck,
                        "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                        "    Properties:\n      MultiAZ: " +
                            multi_az + "\n")
      .findings.size();
}

}  // namespace

TEST_CASE("equals true: YAML 1.1 words, strings and invalid values") {
  for (const char* yes :
       {"Yes", "YES", "on", "On", "ON", "true", "True", "TRUE", "'true'", "\"True\"", "[x]"}) {
    CAPTURE(yes);
    // A list is never equal to true, so [x] fires.
    CHECK(findings_for(yes) == (std::string(yes) == "[x]" ? 1u : 0u));
  }
  for (const char* no : {"No", "no", "NO", "off", "Off", "OFF", "false", "FALSE", "'false'"}) {
    CAPTURE(no);
    CHECK(findings_for(no) == 1);
  }
  // Strings no boolean property accepts: CloudFormation rejects them, nothing is proven.
  for (const char* invalid : {"'Yes'", "\"on\"", "y", "n", "enabled", "'{{resolve:ssm:/a}}'"}) {
    CAPTURE(invalid);
    CHECK(findings_for(invalid) == 0);
  }
}

TEST_CASE("exists: false in a rule file is read as the template's booleans are") {
  const char* check =
      "check:\n"
      "  resource-types: [AWS::RDS::DBInstance]\n"
      "  when: {property: KmsKeyId, exists: off}\n"
      "  message: m\n";
  CHECK(
      lint_with_rule(check, "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n").findings.size() ==
      1);
  CHECK(lint_with_rule(check,
                       "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                       "    Properties: {KmsKeyId: k}\n")
            .findings.empty());
}

TEST_CASE("a finding decided by a parameter's default points at the Ref and says so") {
  auto result = lint_with_rule(kMultiAzCheck,
                               "Parameters:\n"
                               "  MultiAZParam:\n"
                               "    Type: String\n"
                               "    Default: \"false\"\n"
                               "Resources:\n"
                               "  D:\n"
                               "    Type: AWS::RDS::DBInstance\n"
                               "    Properties:\n"
                               "      MultiAZ: !Ref MultiAZParam\n");
  REQUIRE(result.findings.size() == 1);
  const rules::Finding& finding = result.findings[0];
  CHECK(finding.range.begin.line == 9);
  CHECK(finding.range.begin.column == 16);  // the !Ref
  CHECK(finding.message ==
        "D is single-AZ. MultiAZ is false (the default of parameter MultiAZParam).");
  REQUIRE(finding.related.size() == 1);
  CHECK(finding.related[0].range.begin.line == 4);
  CHECK(finding.related[0].range.begin.column == 14);
  CHECK(finding.related[0].message == "the default of parameter MultiAZParam");
  // A plain No in the default is false too, and named as CloudFormation reads it.
  auto plain = lint_with_rule(kMultiAzCheck,
                              "Parameters: {P: {Type: String, Default: No}}\n"
                              "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                              "    Properties: {MultiAZ: !Ref P}\n");
  REQUIRE(plain.findings.size() == 1);
  CHECK(plain.findings[0].message ==
        "D is single-AZ. MultiAZ is false (the default of parameter P).");
  // Written in the resource itself: no such note.
  auto literal = lint_with_rule(kMultiAzCheck,
                                "Resources:\n  D:\n    Type: AWS::RDS::DBInstance\n"
                                "    Properties: {MultiAZ: false}\n");
  REQUIRE(literal.findings.size() == 1);
  CHECK(literal.findings[0].related.empty());
  CHECK(literal.findings[0].message == "D is single-AZ.");
}
