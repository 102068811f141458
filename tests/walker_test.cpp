// The folder walk and the driver, in process: files that vanish between the walk and the read.
// The traps a walk meets on disk (link loops, unreadable folders, ...) are tested at the command
// line, in tests/hostile_cli_test.sh.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/driver.h"
#include "cli/walker.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

TEST_CASE("a file that vanishes after the walk is reported; the others are still linted") {
  fs::path folder = fs::temp_directory_path() / ("stacklint-walker-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  for (const char* name : {"a.yaml", "b.yaml", "c.yaml"}) {
    std::ofstream(folder / name) << "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
  }
  cli::WalkResult walk = cli::find_inputs({folder.string()}, {});
  REQUIRE(walk.inputs.size() == 3);
  fs::remove(folder / "b.yaml");

  cli::DriverOptions options;
  options.jobs = 2;
  cli::DriverResult result = cli::lint_inputs(walk.inputs, rules::Catalog::builtin(), options);
  fs::remove_all(folder);

  REQUIRE(result.files.size() == 2);
  CHECK(result.files[0].source->path() == (folder / "a.yaml").string());
  CHECK(result.files[1].source->path() == (folder / "c.yaml").string());
  CHECK(result.unreadable == 1);
  REQUIRE(result.notices.size() == 1);
  CHECK(result.notices[0].path == (folder / "b.yaml").string());
  CHECK(result.notices[0].message.find("vanished") != std::string::npos);
}

TEST_CASE("printable_path replaces each byte that is not UTF-8") {
  CHECK(cli::printable_path("plain/\xc3\xa9.yaml") == "plain/\xc3\xa9.yaml");
  CHECK(cli::printable_path("bad\xff\xfename.yaml") == "bad\xEF\xBF\xBD\xEF\xBF\xBDname.yaml");
  CHECK(cli::printable_path("cut\xc3") == "cut\xEF\xBF\xBD");
}
