// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
// Escaping follows the Actions toolkit: `%`, CR and LF in the message; also `:` and `,` in
// property values, which would otherwise end the value.
#include "report/report.h"

namespace stacklint::report {

namespace {

std::string escape_data(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (CharAt at = char_at(text, i); at.unsafe) {
      out += '?';  // no control or bidirectional character for the log viewer to interpret
      i += at.length;
      continue;
    } else {
      out.append(text.substr(i, at.length));
      i += at.length;
      continue;
    }
    ++i;
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

// The workflow commands that make annotations.
std::string_view command_of(rules::Severity severity) {
  return word_for(severity, {"error", "warning", "notice"});
}

}  // namespace

void write_github(const Run& run, std::ostream& out) {
  for (const Notice& notice : run.notices) {
    out << "::error file=" << escape_property(display_path(notice.path))
        << ",title=stacklint::" << escape_data(notice.message) << "\n";
  }
  for (const rules::FileResult& file : run.files) {
    std::string path = escape_property(display_path(file.source->path()));
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) continue;
      const load::Range& range = finding.range;
      out << "::" << command_of(finding.severity) << " file=" << path
          << ",line=" << range.begin.line
          << ",endLine=" << std::max(range.end.line, range.begin.line);
      // Columns only make sense to GitHub within one line; its endColumn is inclusive.
      if (range.end.line == range.begin.line) {
        out << ",col=" << range.begin.column << ",endColumn="
            << std::max(range.begin.column, range.end.column > 0 ? range.end.column - 1 : 0);
      }
      out << ",title=" << escape_property(finding.rule->id + " " + finding.rule->name)
          << "::" << escape_data(finding.message) << "\n";
    }
  }
}

}  // namespace stacklint::report
