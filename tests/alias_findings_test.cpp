// Findings in aliased text are reported once per place in the text, not once per expansion
// (issue 11, kind 2): the shape of breaker/repro/alias-null-amplification-99KB.yaml, where 200
// null keys expanded by 2,000 resources gave 400,000 T006 findings.
#include <doctest/doctest.h>

#include <map>

#include "test_support.h"

using namespace stacklint;

namespace {

// `keys` null properties in one anchored mapping, expanded by `resources` topics.
std::string null_keys_expanded(int keys, int resources) {
  std::string text = "Metadata:\n  A: &a\n";
  for (int k = 0; k < keys; ++k) text += "    K" + std::to_string(k) + ":\n";
  text += "Resources:\n";
  for (int r = 0; r < resources; ++r) {
    text += "  R" + std::to_string(r) + ": {Type: AWS::SNS::Topic, Properties: *a}\n";
  }
  return text;
}

}  // namespace

TEST_CASE("a null in aliased text is one finding per written place, however often expanded") {
  for (int resources : {3, 2000}) {
    std::string text = null_keys_expanded(200, resources);
    rules::FileResult result = testing::lint_text(text);
    std::map<std::string, int> per_rule;
    size_t message_bytes = 0;
    for (const rules::Finding& finding : result.findings) {
      ++per_rule[finding.rule->id];
      message_bytes += finding.message.size();
    }
    CHECK(per_rule["T006"] == 200);  // one per null key as written
    // The null keys are also unknown properties of a topic: T101 reports each once too.
    CHECK(per_rule["T101"] <= 200);
    CHECK(result.findings.size() <= 2 * 200 + 10);
    // The report is a small multiple of the template plus a fixed amount per finding.
    CHECK(message_bytes < 4 * text.size() + 400 * result.findings.size());
  }
}

TEST_CASE("the same place in aliased text keeps one finding per rule, the first in order") {
  std::string text =
      "Metadata:\n  S: &s\n    DisplayName:\n"
      "Resources:\n  B: {Type: AWS::SNS::Topic, Properties: *s}\n"
      "  A: {Type: AWS::SNS::Topic, Properties: *s}\n";
  rules::FileResult result = testing::lint_text(text, {"T006"});
  REQUIRE(testing::finding_keys(result) == std::vector<std::string>{"T006@3:5"});
  // Deterministic: of the messages naming A and B, the first in sorted order is kept.
  rules::FileResult again = testing::lint_text(text, {"T006"});
  CHECK(again.findings[0].message == result.findings[0].message);
}
