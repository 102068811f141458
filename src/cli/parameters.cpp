#include "cli/parameters.h"

#include "load/parameter_file.h"

namespace stacklint::cli {

std::shared_ptr<const graph::ParameterValues> read_parameters(
    const std::vector<std::string>& files, const std::vector<std::string>& assignments,
    std::string& error, std::set<FileId>* inputs) {
  if (files.empty() && assignments.empty()) return nullptr;
  auto values = std::make_shared<graph::ParameterValues>();
  for (const std::string& path : files) {
    std::string bytes;
    if (!read_whole_file(path, load::Limits{}.max_bytes, "the parameter file", bytes, error,
                         inputs)) {
      return nullptr;
    }
    auto source = std::make_shared<const load::Source>(path, std::move(bytes));
    load::ParameterFileRead read = load::read_parameter_file(source);
    if (read.error) {
      error = path + ":" + std::to_string(read.error->range.begin.line) + ":" +
              std::to_string(read.error->range.begin.column) + ": " + read.error->message;
      return nullptr;
    }
    values->supply_file(read.file);
  }
  for (const std::string& assignment : assignments) {
    auto split = load::split_parameter_assignment(assignment);
    if (!split) {
      error = "--parameter " + assignment + ": expected NAME=VALUE";
      return nullptr;
    }
    // A template is UTF-8, and so is every report: bytes that are not would reach the JSON,
    // SARIF and GitLab reports raw.
    if (size_t bad = load::find_invalid_utf8(assignment); bad != std::string::npos) {
      error = "--parameter " + assignment + ": byte " + std::to_string(bad + 1) +
              " is not UTF-8 (CloudFormation takes parameter values as UTF-8)";
      return nullptr;
    }
    values->supply_text(std::move(split->first), std::move(split->second));
  }
  return values;
}

}  // namespace stacklint::cli
