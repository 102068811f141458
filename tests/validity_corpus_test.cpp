// Template validity (T002-T040) against real templates: the deployable folders of the shared
// corpus keep exactly the error-level findings recorded in validity_corpus_expected.tsv (each a
// real bug of that template), and cfn-lint's deliberately broken fixtures are caught. Skipped,
// with a message, where the corpus is not checked out beside the project.
//
// cfn-lint 1.51 as a second opinion: on every template of these folders where cfn-lint reports
// no error, stacklint reports no T0xx error either (compared once over all 727 files). Where
// they differ, cfn-lint is wrong: good/functions/ref.yaml refers to ModuleResource, which the
// registry module `Module` (Type: My::S3::Bucket::MODULE) generates, and cfn-lint reports
// E6101 there; see "names a module or SAM generates are not undefined" below.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/walker.h"
#include "graph/template.h"
#include "load/loader.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

namespace {

const fs::path kCorpus = STACKLINT_SOURCE_DIR "/../shared/corpus";

const std::vector<std::string> kErrorRules = {
    "T002", "T003", "T005", "T006", "T010", "T011", "T012", "T013", "T014", "T015",
    "T020", "T100", "T101", "T102", "T103", "T104", "T105", "T106", "T107", "T108"};

using Entry = std::tuple<std::string, std::string, uint32_t>;  // file, rule, line

std::set<Entry> findings_under(const fs::path& folder) {
  std::set<Entry> found;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file() || !cli::is_template_file_name(entry.path().filename().string()))
      continue;
    std::string name = fs::relative(entry.path(), kCorpus).generic_string();
    rules::FileResult result =
        testing::lint_text(testing::read_file(entry.path().string()), kErrorRules, name);
    for (const rules::Finding& f : result.findings) {
      if (f.severity == rules::Severity::Error && f.rule->id != "T001")
        found.insert({name, f.rule->id, f.range.begin.line});
    }
  }
  return found;
}

std::string describe(const std::set<Entry>& entries) {
  std::string out;
  for (const auto& [file, rule, line] : entries)
    out += "  " + file + "\t" + rule + "\t" + std::to_string(line) + "\n";
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace

TEST_CASE("error-level T0xx findings on the deployable corpus are the recorded real bugs") {
  if (!fs::is_directory(kCorpus)) {
    MESSAGE("skipped: no corpus at " << kCorpus.string());
    return;
  }
  std::set<Entry> expected;
  std::istringstream list(
      testing::read_file(testing::source_dir() + "/tests/validity_corpus_expected.tsv"));
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, rule, number;
    std::getline(fields, file, '\t');
    std::getline(fields, rule, '\t');
    std::getline(fields, number, '\t');
    expected.insert({file, rule, static_cast<uint32_t>(std::stoul(number))});
  }
  std::set<Entry> actual;
  for (const char* folder :
       {"aws-cloudformation-templates", "aws-quickstart", "widdix-aws-cf-templates",
        "cfn-lint-fixtures/test/fixtures/templates/good"}) {
    actual.merge(findings_under(kCorpus / folder));
  }
  std::set<Entry> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::inserter(missing, missing.end()));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::inserter(extra, extra.end()));
  INFO("recorded but not found:\n"
       << describe(missing) << "found but not recorded (a stacklint bug, or a template bug to "
       << "record with its line in tests/validity_corpus_expected.tsv):\n"
       << describe(extra));
  CHECK(missing.empty());
  CHECK(extra.empty());
}

TEST_CASE("cfn-lint's broken fixtures are caught") {
  fs::path bad = kCorpus / "cfn-lint-fixtures/test/fixtures/templates/bad";
  if (!fs::is_directory(bad)) {
    MESSAGE("skipped: no corpus at " << kCorpus.string());
    return;
  }
  std::set<Entry> found = findings_under(bad);
  auto at = [](std::string file, std::string rule, uint32_t line) {
    return Entry{"cfn-lint-fixtures/test/fixtures/templates/bad/" + file, rule, line};
  };
  const std::vector<Entry> caught = {
      at("duplicate.yaml", "T002", 9),   // two resources named mySnsTopic
      at("duplicate.json", "T002", 17),  // the same in JSON
      at("generic.yaml", "T003", 4),     // a section named Errors
      at("refs.yaml", "T010", 15),       // Ref pIops, never declared
      at("refs.yaml", "T013", 21),       // ${Package} in a Sub
      at("resources/lambda/function_property_value_limits.yaml", "T011", 11),
      at("core/conditions_missing.yaml", "T014", 11),
      at("functions_base64.yaml", "T015", 9),  // Fn::FindInMap [amimap, ...] without Mappings
      at("resources_circular_dependency.yaml", "T020", 32),
      at("resources_circular_dependency.yaml", "T020", 48),   // a resource referring to itself
      at("resources_circular_dependency_2.yaml", "T020", 6),  // a ring of four
      at("resources_circular_dependency_dependson.yaml", "T020", 6),
      at("resources/primary_identifiers.yaml", "T005", 156),  // Type: !Ref AWS::Region
      // The resource specification (cfn-lint E3001/E3006, E3002, E3003, E1010).
      at("generic.yaml", "T100", 24),          // AWS::EC2::Instance1
      at("generic.yaml", "T101", 46),          // FakeKey on an instance
      at("generic.yaml", "T101", 55),          // BadSubX2Key in BlockDeviceMappings.Ebs
      at("conditions.yaml", "T101", 95),       // BadLocations, in an Fn::If branch
      at("generic.yaml", "T102", 146),         // a function without Code and Role
      at("core/conditions.yaml", "T102", 39),  // DeviceName, in Fn::If alternatives
      at("resources/iam/iam_policy.yaml", "T102", 37),
      at("resources/properties/atleastone.yaml", "T102", 10),  // none of Users, Groups, Roles
      at("resources/properties/atleastone.yaml", "T102",
         19),  // the same, in Fn::If branches  // a policy without PolicyName
      at("generic.yaml", "T108", 229),         // GetAtt ElasticLoadBalancer.DNE
      at("functions_getaz.yaml", "T108", 36),  // GetAtt mySubnet2.AvailbilityZone
  };
  for (const Entry& entry : caught) {
    INFO(std::get<0>(entry) << " " << std::get<1>(entry) << " line " << std::get<2>(entry));
    CHECK(found.count(entry) == 1);
  }
}

TEST_CASE("names a module or SAM generates are not undefined") {
  // cfn-lint reports E6101 on this Ref; the module named Module creates ModuleResource.
  rules::FileResult result = testing::lint_text(R"(Resources:
  Module:
    Type: My::S3::Bucket::MODULE
    Properties: {}
Outputs:
  OutputModuleAtt:
    Value: !Ref ModuleResource
)",
                                                kErrorRules);
  CHECK(testing::finding_keys(result).empty());
}

TEST_CASE("graph edges of Fn::Sub and Fn::FindInMap keep the function's whole argument") {
  std::string text = R"(Mappings:
  M: {a: {b: c}}
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub ["${X}-${AWS::Region}", {X: !FindInMap [M, a, b]}]
)";
  load::Source source("t.yaml", text);
  load::Loaded loaded = load::load(source);
  REQUIRE_FALSE(loaded.error);
  graph::Template tmpl(loaded.document.root);
  size_t subs = 0, maps = 0;
  for (const graph::Edge& edge : tmpl.edges()) {
    if (edge.kind == graph::EdgeKind::Sub) {
      ++subs;
      REQUIRE(edge.arg != nullptr);
      CHECK(edge.arg->is_sequence());
      CHECK(edge.arg->items.size() == 2);
    }
    if (edge.kind == graph::EdgeKind::FindInMap) {
      ++maps;
      REQUIRE(edge.arg != nullptr);
      CHECK(edge.arg->items.size() == 3);
      CHECK(edge.arg->items[2]->text == "b");
    }
  }
  CHECK(subs == 2);
  CHECK(maps == 1);
  CHECK(graph::pseudo_parameters().size() == 8);
}

TEST_CASE("a cycle through ten thousand resources is found once, without deep recursion") {
  std::string text = "Resources:\n";
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    text += "  Q" + std::to_string(i) + ":\n    Type: AWS::SQS::Queue\n    DependsOn: Q" +
            std::to_string((i + 1) % n) + "\n";
  }
  rules::FileResult result = testing::lint_text(text, {"T020"});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].related.size() == static_cast<size_t>(n));
  CHECK(result.findings[0].range.begin.line == 4);  // Q0's DependsOn: Q1
}
