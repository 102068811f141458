// Fixtures of linked stacks: a folder testdata/<RULE>/<fires|silent|unknown>*/ holds a
// .stacklint.yaml whose one environment declares the stacks, and templates (in subfolders too,
// for nested stacks) with `# expect: ID` on the lines findings point at, as in
// fixtures_test.cpp. The environment is linted as `stacklint --env` does, with only the folder's
// rule selected unless the configuration's first line says `# stacklint-test: select IDS`.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "cli/config.h"
#include "cli/stacks.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

namespace {

// "file:line:RULE" for every `# expect:` of the folder's templates.
std::multiset<std::string> expected_in(const fs::path& folder) {
  std::multiset<std::string> expected;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml" ||
        entry.path().filename() == ".stacklint.yaml") {
      continue;
    }
    std::stringstream lines(testing::read_file(entry.path().string()));
    std::string line;
    for (uint32_t number = 1; std::getline(lines, line); ++number) {
      size_t at = line.find("# expect:");
      if (at == std::string::npos) continue;
      std::stringstream ids(line.substr(at + 9));
      for (std::string id; std::getline(ids, id, ',');) {
        id.erase(0, id.find_first_not_of(" \t"));
        id.erase(id.find_last_not_of(" \t\r") + 1);
        expected.insert(fs::weakly_canonical(entry.path()).string() + ":" + std::to_string(number) +
                        ":" + id);
      }
    }
  }
  return expected;
}

// Lints the folder's one environment; the findings as "file:line:RULE".
cli::DriverResult lint_folder(const fs::path& folder, const std::string& rule) {
  std::string config_path = (folder / ".stacklint.yaml").string();
  cli::Config config;
  std::string error;
  REQUIRE_MESSAGE(cli::read_config(config_path, config, error), error);
  REQUIRE(config.environments.size() == 1);
  cli::DriverOptions options;
  std::string first = testing::read_file(config_path);
  first = first.substr(0, first.find('\n'));
  std::string list;
  if (RE2::PartialMatch(first, R"(stacklint-test:\s*select\s+([A-Z0-9,]+))", &list)) {
    std::stringstream ids(list);
    for (std::string id; std::getline(ids, id, ',');) options.lint.selection.select.insert(id);
  } else {
    options.lint.selection.select.insert(rule);
  }
  std::vector<cli::RootStack> roots;
  REQUIRE_MESSAGE(cli::roots_of(config, config.environments[0], roots, error), error);
  return cli::lint_linked(roots, config.environments[0].complete, rules::Catalog::builtin(),
                          options);
}

std::multiset<std::string> actual_of(const cli::DriverResult& result, std::string& messages) {
  std::multiset<std::string> actual;
  for (const rules::FileResult& file : result.files) {
    for (const rules::Finding& f : file.findings) {
      if (f.suppressed) continue;
      std::string key = fs::weakly_canonical(file.source->path()).string() + ":" +
                        std::to_string(f.range.begin.line) + ":" + f.rule->id;
      actual.insert(key);
      messages += "  " + key + " " + f.message + "\n";
    }
  }
  return actual;
}

}  // namespace

TEST_CASE("every linked-stacks fixture produces exactly the findings it expects") {
  fs::path testdata = fs::path(testing::source_dir()) / "testdata";
  size_t checked = 0;
  for (const auto& rule_folder : fs::directory_iterator(testdata)) {
    std::string rule = rule_folder.path().filename().string();
    if (!rule_folder.is_directory() || rules::Catalog::builtin().find(rule) == nullptr) continue;
    for (const auto& entry : fs::directory_iterator(rule_folder.path())) {
      if (!entry.is_directory() || !fs::exists(entry.path() / ".stacklint.yaml")) continue;
      CAPTURE(entry.path().string());
      cli::DriverResult result = lint_folder(entry.path(), rule);
      std::string messages;
      std::multiset<std::string> actual = actual_of(result, messages);
      std::multiset<std::string> expected = expected_in(entry.path());
      INFO("all findings:\n" << messages);
      CHECK(actual == expected);
      CHECK(result.notices.empty());
      ++checked;
    }
  }
  CHECK(checked >= 10);
}

TEST_CASE("linked stacks: related locations in another stack name their file") {
  fs::path folder = fs::path(testing::source_dir()) / "testdata/R130/fires-linked-import";
  cli::DriverResult result = lint_folder(folder, "R130");
  bool related_elsewhere = false;
  for (const rules::FileResult& file : result.files) {
    for (const rules::Finding& finding : file.findings) {
      REQUIRE(finding.rule->id == "R130");
      CHECK(fs::path(file.source->path()).filename() == "app.yaml");
      for (const rules::Related& related : finding.related) {
        // The subnets' zones are written in the VPC stack's template.
        CHECK(fs::path(related.file).filename() == "vpc.yaml");
        related_elsewhere = true;
      }
    }
  }
  CHECK(related_elsewhere);
}

TEST_CASE("a plain run links a template with its local nested stacks") {
  fs::path parent =
      fs::path(testing::source_dir()) / "testdata/R130/fires-linked-nested-parameter/main.yaml";
  cli::DriverOptions options;
  options.lint.selection.select.insert("R130");
  cli::DriverResult result =
      cli::lint_inputs({cli::Input{parent.string(), false}}, rules::Catalog::builtin(), options);
  REQUIRE(result.files.size() == 2);  // the parent, and its nested stack's file
  CHECK(result.files[0].findings.empty());
  CHECK(fs::path(result.files[1].source->path()).filename() == "workers.yaml");
  CHECK(result.files[1].findings.size() == 1);
}

TEST_CASE("graph --env: each stack framed, imports and nested stacks as edges between frames") {
  fs::path folder = fs::path(testing::source_dir()) / "testdata/R130/fires-linked-import";
  cli::Config config;
  std::string error;
  REQUIRE(cli::read_config((folder / ".stacklint.yaml").string(), config, error));
  std::vector<report::StackFrame> frames;
  std::vector<report::StackEdge> links;
  cli::DriverResult result;
  std::vector<cli::RootStack> roots;
  REQUIRE(cli::roots_of(config, config.environments[0], roots, error));
  cli::draw_linked(roots, rules::Catalog::builtin(), {}, frames, links, result);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].label.find("stack net") == 0);
  bool imported = false;
  for (const report::StackEdge& link : links) {
    if (link.from == "s0/SubnetAPublic" && link.to == "s1/Web" &&
        link.label == "import net-SubnetAPublic") {
      imported = true;
    }
  }
  CHECK(imported);
  std::ostringstream dot, mermaid;
  report::write_stacks_dot(frames, links, dot);
  report::write_stacks_mermaid(frames, links, mermaid);
  CHECK(dot.str().find("label=\"stack app (") != std::string::npos);
  CHECK(dot.str().find("\"s0/SubnetAPublic\" -> \"s1/Web\"") != std::string::npos);
  CHECK(mermaid.str().find("subgraph c") != std::string::npos);

  fs::path nested = fs::path(testing::source_dir()) / "testdata/R130/fires-linked-nested-output";
  frames.clear();
  links.clear();
  std::vector<cli::RootStack> nested_roots(1);
  nested_roots[0].path = (nested / "main.yaml").string();
  nested_roots[0].name = "main";
  cli::draw_linked(nested_roots, rules::Catalog::builtin(), {}, frames, links, result);
  REQUIRE(frames.size() == 2);
  REQUIRE(links.size() == 1);
  CHECK(links[0].from == "s0/Network");
  CHECK(links[0].label == "nested stack");
}

// The widdix deployment of testdata/stacks/widdix: linked, its stacks report what each
// template reports alone, plus the cross-stack findings that are true (README of that folder).
TEST_CASE("widdix stacks linked: today's findings, plus the true cross-stack ones") {
  fs::path folder = fs::path(testing::source_dir()) / "testdata/stacks/widdix";
  if (!fs::is_directory(fs::path(testing::source_dir()) /
                        "../shared/corpus/widdix-aws-cf-templates")) {
    MESSAGE("skipped: no corpus beside the project");
    return;
  }
  cli::Config config;
  std::string error;
  REQUIRE(cli::read_config((folder / ".stacklint.yaml").string(), config, error));
  for (const cli::Environment& environment : config.environments) {
    CAPTURE(environment.name.value);
    std::vector<cli::RootStack> roots;
    REQUIRE(cli::roots_of(config, environment, roots, error));
    cli::DriverOptions options;
    cli::DriverResult linked =
        cli::lint_linked(roots, environment.complete, rules::Catalog::builtin(), options);
    std::string messages;
    std::multiset<std::string> together = actual_of(linked, messages);
    std::vector<cli::Input> inputs;
    for (const cli::RootStack& root : roots) {
      if (std::none_of(inputs.begin(), inputs.end(),
                       [&](const cli::Input& input) { return input.path == root.path; })) {
        inputs.push_back({root.path, false});
      }
    }
    std::string alone_messages;
    std::multiset<std::string> alone =
        actual_of(cli::lint_inputs(inputs, rules::Catalog::builtin(), options), alone_messages);
    std::vector<std::string> added;
    std::set_difference(together.begin(), together.end(), alone.begin(), alone.end(),
                        std::back_inserter(added));
    std::vector<std::string> lost;
    std::set_difference(alone.begin(), alone.end(), together.begin(), together.end(),
                        std::back_inserter(lost));
    INFO("linked:\n" << messages);
    CHECK(lost.empty());
    if (environment.name.value == "prod") {
      CHECK(added.empty());
    } else {
      REQUIRE(added.size() == 1);
      CHECK(added[0].ends_with("vpc/vpc-nat-instance.yaml:532:R130"));
    }
  }
}
