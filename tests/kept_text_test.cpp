// What a run keeps of each file's text once it is linted (cli::KeepText, report::SnippetLines):
// every report written from what is kept is the same, byte for byte, as from the whole file.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "cli/driver.h"
#include "report/report.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

namespace {

std::string report_of(std::vector<rules::FileResult> files, std::string_view format) {
  report::Run run;
  run.catalog = &rules::Catalog::builtin();
  run.files = std::move(files);
  std::ostringstream out;
  report::find_writer(format)(run, out);
  return out.str();
}

rules::Finding finding_at(load::Position begin, load::Position end) {
  rules::Finding finding;
  finding.rule = rules::Catalog::builtin().find("R110");
  finding.range = {begin, end};
  finding.message = "a finding";
  finding.path = "Resources/Db";
  return finding;
}

// The file's findings in every report from the whole text, from the kept lines and from the
// path alone (the formats other than text).
void check_reports_alike(const rules::FileResult& whole) {
  rules::FileResult lines = whole;
  cli::release_text(lines, cli::KeepText::SnippetLines);
  CHECK(lines.source->path() == whole.source->path());
  CHECK(report_of({lines}, "text") == report_of({whole}, "text"));
  rules::FileResult path_only = whole;
  cli::release_text(path_only, cli::KeepText::PathOnly);
  CHECK(path_only.source->path() == whole.source->path());
  CHECK(path_only.source->bytes().empty());
  for (std::string_view format : report::format_names()) {
    if (report::reads_file_text(format)) continue;
    CAPTURE(format);
    CHECK(report_of({path_only}, format) == report_of({whole}, format));
  }
  // Kept again (a nested stack's results are, by its linked run and by the driver): the same.
  rules::FileResult twice = lines;
  cli::release_text(twice, cli::KeepText::SnippetLines);
  CHECK(twice.source->bytes() == lines.source->bytes());
}

}  // namespace

TEST_CASE("kept text: the text report's snippets are the same from the kept lines") {
  struct Text {
    const char* name;
    std::string bytes;
  };
  const Text texts[] = {
      {"LF", "a: 1\nbb: 22\n\nccc: 333\n"},
      {"no final line break", "a: 1\nlast: line"},
      {"CRLF", "a: 1\r\nbb: 22\r\n\r\nccc: 333\r\n"},
      {"lone CRs", "a: 1\rbb: 22\r\rccc: 333"},
      {"byte order mark",
       "\xEF\xBB\xBF"
       "a: 1\nbb: 22\n"},
      {"a first line that starts as a mark",
       "\xEF\xBB\xBF\xEF\xBB\xBF"
       "a: 1\nbb: 22\n"},
      {"a mark on line 2",
       "a: 1\n\xEF\xBB\xBF"
       "bb: 22\n"},
      {"UTF-8, a long line", "name: \xC3\xA9t\xC3\xA9 \xE2\x82\xAC\nx: " + std::string(600, 'y') +
                                 "\xC3\xA9\xF0\x9F\x98\x80" + std::string(600, 'z') + "\r\n"},
      {"controls",
       "a: \x1b[31m\t\x7f\nb: \xE2\x80\xAE"
       "x\n"},
      {"empty", ""},
  };
  for (const Text& text : texts) {
    CAPTURE(text.name);
    auto source = std::make_shared<const load::Source>("dir/t.yaml", text.bytes);
    uint32_t lines = static_cast<uint32_t>(source->line_count());
    // Findings on every line (and past the last), at columns on the line and past its end.
    rules::FileResult every;
    every.source = source;
    for (uint32_t line = 0; line <= lines + 1; ++line) {
      for (uint32_t column : {0u, 1u, 3u, 5u, 7u, 606u, 2000u}) {
        every.findings.push_back(finding_at({line, column}, {line, column + 4}));
        every.findings.push_back(finding_at({line, column}, {line + 1, 2}));
        every.findings.push_back(finding_at({line, column}, {line, column}));
      }
    }
    check_reports_alike(every);
    // Findings on a few lines: the others are not kept.
    for (uint32_t line : {1u, 2u, lines}) {
      rules::FileResult few;
      few.source = source;
      few.findings.push_back(finding_at({line, 2}, {line, 6}));
      few.findings.push_back(finding_at({line, 1}, {line + 2, 1}));
      check_reports_alike(few);
      rules::FileResult kept = few;
      cli::release_text(kept, cli::KeepText::SnippetLines);
      // The kept text: the line itself, a line break for each line before it (and a mark).
      CHECK(kept.source->bytes().size() <= source->line_text(line).size() + line + 3);
    }
  }
}

TEST_CASE("kept text: a file that is no template, and one with no findings, keep their paths") {
  rules::FileResult clean;
  clean.source = std::make_shared<const load::Source>("clean.yaml", "Resources: {}\n");
  check_reports_alike(clean);
  rules::FileResult kept = clean;
  cli::release_text(kept, cli::KeepText::SnippetLines);
  CHECK(kept.source->bytes().empty());
  rules::FileResult whole = clean;
  cli::release_text(whole, cli::KeepText::Whole);
  CHECK(whole.source == clean.source);
}

TEST_CASE("kept text: runs of several files, nested stacks among them, report the same") {
  const fs::path folder =
      fs::path(testing::source_dir()) / "testdata/R130/fires-linked-nested-parameter";
  std::string parent = (folder / "main.yaml").lexically_normal().string();
  std::string child = (folder / "nested/workers.yaml").lexically_normal().string();
  std::string other = testing::source_dir() + "/tests/lib/single-az-database.yaml";
  // The child first: its own findings and those its parent's link adds are one entry, whose
  // kept lines are both sets'.
  const std::vector<std::vector<cli::Input>> runs = {
      {{child, false}, {parent, false}, {other, false}},
      {{parent, false}, {child, false}, {other, false}},
      {{parent, false}, {other, false}},
  };
  for (const std::vector<cli::Input>& inputs : runs) {
    for (unsigned jobs : {1u, 2u}) {
      CAPTURE(inputs.front().path);
      CAPTURE(jobs);
      cli::DriverOptions options;
      options.jobs = jobs;
      cli::DriverResult whole = cli::lint_inputs(inputs, rules::Catalog::builtin(), options);
      size_t findings = 0;
      for (const rules::FileResult& file : whole.files) findings += file.findings.size();
      REQUIRE(findings > 2);
      options.keep_text = cli::KeepText::SnippetLines;
      cli::DriverResult lines = cli::lint_inputs(inputs, rules::Catalog::builtin(), options);
      CHECK(report_of(lines.files, "text") == report_of(whole.files, "text"));
      options.keep_text = cli::KeepText::PathOnly;
      cli::DriverResult path_only = cli::lint_inputs(inputs, rules::Catalog::builtin(), options);
      for (const rules::FileResult& file : path_only.files) CHECK(file.source->bytes().empty());
      for (std::string_view format : {"json", "sarif", "concise", "gitlab"}) {
        CHECK(report_of(path_only.files, format) == report_of(whole.files, format));
      }
    }
  }
}
