// Every template of the shared corpus goes through load → graph → rules → every report format
// without a crash or an internal error. Findings, T001 included, are fine: some files are broken
// on purpose. Skipped, with a message, where the corpus is not checked out beside the project.
#include <doctest/doctest.h>

#include <filesystem>

#include "cli/walker.h"
#include "fuzz/pipeline.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

TEST_CASE("every template of the corpus is processed without a crash") {
  fs::path corpus = STACKLINT_SOURCE_DIR "/../shared/corpus";
  if (!fs::is_directory(corpus)) {
    MESSAGE("skipped: no corpus at " << corpus.string());
    return;
  }
  size_t files = 0, unreadable = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_regular_file() || !cli::is_template_file_name(entry.path().filename().string()))
      continue;
    CAPTURE(entry.path().string());
    testing::PipelineResult result =
        testing::run_pipeline(entry.path().string(), testing::read_file(entry.path().string()));
    REQUIRE(result.output_bytes > 0);
    for (const rules::Finding& finding : result.file.findings) {
      if (finding.rule->id == "T001") ++unreadable;
    }
    ++files;
  }
  MESSAGE(files << " corpus templates processed, " << unreadable << " of them T001");
  // The README of the corpus counts 2,829; fewer means the walk above missed some.
  CHECK(files >= 2829);
}
