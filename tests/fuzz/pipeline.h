// One input through everything stacklint does with a template: load → graph → rules → every
// report format. Shared by the fuzz target and the tests that replay inputs (regressions, the
// corpus), so that what the fuzzer covers is exactly what they check.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include "report/report.h"
#include "rules/catalog.h"
#include "rules/engine.h"

namespace stacklint::testing {

struct PipelineResult {
  rules::FileResult file;
  size_t output_bytes = 0;  // of all the formats together, so that no writer is optimised away
};

inline PipelineResult run_pipeline(const std::string& name, std::string bytes) {
  const rules::Catalog& catalog = rules::Catalog::builtin();
  auto source = std::make_shared<const load::Source>(name, std::move(bytes));
  report::Run run;
  run.catalog = &catalog;
  run.files.push_back(rules::lint(source, catalog, {}));
  PipelineResult result;
  for (std::string_view format : report::format_names()) {
    std::ostringstream out;
    report::find_writer(format)(run, out);
    result.output_bytes += out.str().size();
  }
  result.file = std::move(run.files.front());
  return result;
}

}  // namespace stacklint::testing
