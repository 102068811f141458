// One line per finding, `path:line:col: severity: message [ID]`: the shape that editors' quickfix
// lists, problem matchers and reviewdog's errorformat read without configuration.
#include "report/report.h"

namespace stacklint::report {

void write_concise(const Run& run, std::ostream& out) {
  for (const Notice& notice : run.notices) {
    out << printable(display_path(notice.path)) << ": error: " << printable(notice.message) << "\n";
  }
  for (const rules::FileResult& file : run.files) {
    std::string path = printable(display_path(file.source->path()));
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) continue;
      out << path << ":" << finding.range.begin.line << ":" << finding.range.begin.column << ": "
          << word_for(finding.severity, kCompilerWords) << ": "
          << printable(one_line(finding.message)) << " [" << finding.rule->id << "]\n";
    }
  }
}

}  // namespace stacklint::report
