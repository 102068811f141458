// JUnit XML for CI test tabs: a testsuite per file, a testcase per rule that reported in it (each
// finding a <failure>), and one passing testcase for a clean file so that it is listed at all.
// Counts follow the Jenkins JUnit schema's meaning: `failures` is the number of failed testcases,
// not of <failure> elements. Paths are relative to the repository root, as in SARIF.
#include <map>

#include "report/report.h"

namespace stacklint::report {

namespace {

// Escapes for both text and attribute values. XML 1.0 cannot carry most control characters or
// U+FFFE/U+FFFF at all, and the others would reach a CI log raw: each becomes '?'.
std::string xml(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default: {
        CharAt at = char_at(text, i);
        if (at.unsafe) {
          out += '?';
        } else {
          out.append(text.substr(i, at.length));
        }
        i += at.length;
        continue;
      }
    }
    ++i;
  }
  return out;
}

}  // namespace

void write_junit(const Run& run, std::ostream& out) {
  std::string suites;
  size_t tests = 0, failures = 0;
  for (const rules::FileResult& file : run.files) {
    std::string path = artifact_path(run, file.source->path()).path;
    std::string file_attribute = " file=\"" + xml(path) + "\"";
    std::map<std::string, std::vector<const rules::Finding*>> by_rule;
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed && !run.include_suppressed) continue;
      by_rule[finding.rule->id].push_back(&finding);
    }
    std::string cases;
    size_t suite_tests = 0, suite_failures = 0, suite_skipped = 0;
    for (const auto& [id, findings] : by_rule) {
      const rules::RuleInfo& rule = *findings.front()->rule;
      std::string body;
      std::string skipped_reason;
      for (const rules::Finding* finding : findings) {
        if (finding->suppressed) {
          if (skipped_reason.empty()) skipped_reason = "suppressed: " + finding->suppression_reason;
          continue;
        }
        body += "      <failure type=\"" + std::string(rules::to_string(finding->severity)) +
                "\" message=\"" + xml(finding->message) + "\">" + xml(path) + ":" +
                std::to_string(finding->range.begin.line) + ":" +
                std::to_string(finding->range.begin.column) + ": " + xml(finding->message) +
                "</failure>\n";
      }
      bool all_suppressed = body.empty();
      if (all_suppressed) {
        ++suite_skipped;
        body = "      <skipped message=\"" + xml(skipped_reason) + "\"/>\n";
      } else {
        ++suite_failures;
      }
      ++suite_tests;
      cases += "    <testcase name=\"" + xml(id + " " + rule.name) + "\" classname=\"" + xml(path) +
               "\"" + file_attribute + ">\n" + body + "    </testcase>\n";
    }
    if (by_rule.empty()) {
      ++suite_tests;
      cases += "    <testcase name=\"stacklint\" classname=\"" + xml(path) + "\"" + file_attribute +
               "/>\n";
    }
    tests += suite_tests;
    failures += suite_failures;
    suites += "  <testsuite name=\"" + xml(path) + "\" tests=\"" + std::to_string(suite_tests) +
              "\" failures=\"" + std::to_string(suite_failures) + "\" errors=\"0\" skipped=\"" +
              std::to_string(suite_skipped) + "\"" + file_attribute + ">\n" + cases +
              "  </testsuite>\n";
  }
  if (!run.notices.empty()) {
    // Paths that could not be read are errors of the run, not failures of a template.
    std::string cases;
    for (const Notice& notice : run.notices) {
      cases += "    <testcase name=\"" + xml(artifact_path(run, notice.path).path) +
               "\" classname=\"stacklint\">\n      <error message=\"" + xml(notice.message) +
               "\"/>\n    </testcase>\n";
    }
    tests += run.notices.size();
    suites += "  <testsuite name=\"stacklint\" tests=\"" + std::to_string(run.notices.size()) +
              "\" failures=\"0\" errors=\"" + std::to_string(run.notices.size()) + "\">\n" + cases +
              "  </testsuite>\n";
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"stacklint\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << run.notices.size() << "\">\n"
      << suites << "</testsuites>\n";
}

}  // namespace stacklint::report
