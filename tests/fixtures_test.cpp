// Every rule's fixtures in testdata/<RULE>/: each fixture states its expected findings next to
// the lines they are about, and the run must produce exactly those: none missing, none extra.
//
//   YAML:  `# expect: R110` at the end of the line the finding points at; several ids may be
//          listed (`# expect: R110, R110`), and a column may be pinned (`# expect: R110:16`).
//   JSON:  a sidecar `<file>.expect` with one `LINE RULE[:COLUMN]` per line.
//
// Suppressed findings are not reported, so a fixture expects only what a user would see.
// Parameter values are supplied as on the command line by header comments (before the first
// line that is not a comment): `# parameter-file: params/prod.json` (relative to the fixture's
// folder; repeatable, later wins) and `# parameter: Env=prod` (repeatable, beats files).
// Only the rule the folder is named after runs (as clang-tidy runs one check per test), unless
// the fixture's first line says `# stacklint-test: select R110,T030`.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "cli/parameters.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

namespace {

struct Expectation {
  uint32_t line;
  std::string rule;
  uint32_t column;  // 0: any column
  bool operator<(const Expectation& o) const {
    return std::tie(line, rule, column) < std::tie(o.line, o.rule, o.column);
  }
};

std::vector<Expectation> parse_expectations(const std::string& path, const std::string& text) {
  std::vector<Expectation> expected;
  auto add = [&](uint32_t line, std::string_view list) {
    std::string id, column;
    std::string items(list);
    std::stringstream stream(items);
    std::string item;
    while (std::getline(stream, item, ',')) {
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t\r") + 1);
      if (item.empty()) continue;
      size_t colon = item.find(':');
      Expectation e{line, item.substr(0, colon), 0};
      if (colon != std::string::npos)
        e.column = static_cast<uint32_t>(std::stoul(item.substr(colon + 1)));
      expected.push_back(e);
    }
  };
  if (path.size() > 5 && path.substr(path.size() - 5) == ".json") {
    std::string sidecar = testing::read_file(path + ".expect");
    std::stringstream lines(sidecar);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t space = line.find(' ');
      add(static_cast<uint32_t>(std::stoul(line.substr(0, space))), line.substr(space + 1));
    }
    return expected;
  }
  std::stringstream lines(text);
  std::string line;
  uint32_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    size_t at = line.find("# expect:");
    if (at != std::string::npos) add(number, std::string_view(line).substr(at + 9));
  }
  return expected;
}

std::vector<std::string> selected_rules(const std::string& folder_rule, const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  std::string list;
  if (RE2::PartialMatch(first, R"(stacklint-test:\s*select\s+([A-Z0-9,]+))", &list)) {
    std::vector<std::string> ids;
    std::stringstream stream(list);
    std::string id;
    while (std::getline(stream, id, ',')) ids.push_back(id);
    return ids;
  }
  return {folder_rule};
}

// The parameter values a fixture's header supplies (see the top of this file); null when none.
std::shared_ptr<const graph::ParameterValues> fixture_parameters(const fs::path& file,
                                                                 const std::string& text) {
  std::vector<std::string> files, assignments;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line) && line.rfind("#", 0) == 0) {
    std::string value;
    if (RE2::FullMatch(line, R"(#\s*parameter-file:\s*(\S+)\s*)", &value)) {
      files.push_back((file.parent_path() / value).string());
    } else if (RE2::FullMatch(line, R"(#\s*parameter:\s*(\S.*?)\s*)", &value)) {
      assignments.push_back(value);
    }
  }
  std::string error;
  auto values = cli::read_parameters(files, assignments, error, nullptr);
  INFO("fixture " << file.string() << ": " << error);
  CHECK(error.empty());
  return values;
}

std::string describe(const std::vector<Expectation>& list) {
  std::string out;
  for (const Expectation& e : list) {
    out += "  line " + std::to_string(e.line) + ": " + e.rule;
    if (e.column != 0) out += ":" + std::to_string(e.column);
    out += "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

std::vector<fs::path> fixture_files(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every fixture produces exactly the findings it expects") {
  fs::path testdata = fs::path(testing::source_dir()) / "testdata";
  size_t checked = 0;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(testdata)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    std::string rule = folder.filename().string();
    if (rules::Catalog::builtin().find(rule) == nullptr) continue;  // other test data
    for (const fs::path& file : fixture_files(folder)) {
      std::string text = testing::read_file(file.string());
      std::string name = fs::relative(file, testing::source_dir()).string();
      rules::LintOptions options;
      for (std::string& id : selected_rules(rule, text)) options.selection.select.insert(id);
      options.parameters = fixture_parameters(file, text);
      rules::FileResult result = rules::lint(std::make_shared<const load::Source>(name, text),
                                             rules::Catalog::builtin(), options);
      std::vector<Expectation> expected = parse_expectations(file.string(), text);
      std::vector<Expectation> actual;
      std::string messages;
      for (const rules::Finding& f : result.findings) {
        if (f.suppressed) continue;  // suppressed findings are not reported
        actual.push_back({f.range.begin.line, f.rule->id, f.range.begin.column});
        messages += "  " + std::to_string(f.range.begin.line) + ":" +
                    std::to_string(f.range.begin.column) + " " + f.rule->id + " " + f.message +
                    "\n";
      }
      // Match expectations with a pinned column first, then the rest by line and rule.
      std::vector<Expectation> missing, extra = actual;
      std::sort(expected.begin(), expected.end(),
                [](const Expectation& a, const Expectation& b) { return a.column > b.column; });
      for (const Expectation& e : expected) {
        auto it = std::find_if(extra.begin(), extra.end(), [&](const Expectation& a) {
          return a.line == e.line && a.rule == e.rule && (e.column == 0 || a.column == e.column);
        });
        if (it == extra.end()) {
          missing.push_back(e);
        } else {
          extra.erase(it);
        }
      }
      INFO("fixture: " << name << "\nmissing:\n"
                       << describe(missing) << "unexpected:\n"
                       << describe(extra) << "all findings:\n"
                       << messages);
      CHECK((missing.empty() && extra.empty()));
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("every rule has fixtures that fire, stay silent, and stay silent on unknown values") {
  fs::path testdata = fs::path(testing::source_dir()) / "testdata";
  for (const rules::RuleInfo* rule : rules::Catalog::builtin().rules()) {
    fs::path folder = testdata / rule->id;
    INFO("rule " << rule->id << ": expected fixtures in " << folder.string());
    REQUIRE(fs::is_directory(folder));
    bool fires = false, silent = false, unknown = false;
    // Files, and folders of linked stacks (tests/linked_fixtures_test.cpp).
    std::vector<fs::path> fixtures = fixture_files(folder);
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.is_directory()) fixtures.push_back(entry.path());
    }
    for (const fs::path& file : fixtures) {
      std::string stem = file.filename().string();
      bool has_expectations = false;
      std::vector<fs::path> files{file};
      if (fs::is_directory(file)) {
        files.clear();
        for (const auto& inner : fs::recursive_directory_iterator(file)) {
          if (inner.is_directory()) {
            std::vector<fs::path> more = fixture_files(inner.path());
            files.insert(files.end(), more.begin(), more.end());
          }
        }
        std::vector<fs::path> top = fixture_files(file);
        files.insert(files.end(), top.begin(), top.end());
      }
      for (const fs::path& each : files) {
        std::string text = testing::read_file(each.string());
        has_expectations = has_expectations || !parse_expectations(each.string(), text).empty();
      }
      INFO("fixture " << file.string());
      if (stem.rfind("fires", 0) == 0) {
        CHECK(has_expectations);
        fires = true;
      } else if (stem.rfind("silent", 0) == 0) {
        CHECK_FALSE(has_expectations);
        silent = true;
      } else if (stem.rfind("unknown", 0) == 0) {
        CHECK_FALSE(has_expectations);
        unknown = true;
      }
    }
    CHECK(fires);
    CHECK(silent);
    CHECK(unknown);
  }
}
