// Baselines: today's findings recorded in a file, so that only new ones are reported. A finding
// is identified by rule, file and its path in the template (Finding::path), never by line, so
// edits elsewhere in a template do not bring recorded findings back.
#pragma once

#include <map>
#include <set>
#include <string>

#include "cli/files.h"
#include "report/report.h"

namespace stacklint::cli {

class Baseline {
 public:
  // The run's reported (not suppressed) findings, as the baseline file's JSON.
  static std::string write(const report::Run& run);
  // Reads a baseline file (bounded like every input); false with `error` set when it is
  // unreadable, too large or malformed. Its identity goes into `inputs`.
  bool read(const std::string& path, std::string& error, std::set<FileId>* inputs = nullptr);
  // Removes the findings the baseline records (each recorded finding matches one finding) and
  // counts them in run.baselined.
  void apply(report::Run& run);

 private:
  std::map<std::string, size_t> remaining_;  // identity → how many recorded
};

}  // namespace stacklint::cli
