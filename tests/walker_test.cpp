// The folder walk and the driver, in process: files that vanish between the walk and the read.
// The traps a walk meets on disk (link loops, unreadable folders, ...) are tested at the command
// line, in tests/hostile_cli_test.sh.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
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

TEST_CASE("the walk lists every entry of a large folder, and tells files from links") {
  fs::path folder =
      fs::temp_directory_path() / ("stacklint-walk-big-" + std::to_string(::getpid()));
  fs::create_directories(folder / "sub");
  // More entries than one read of the listing holds (32 KB): the listing is read in parts.
  const std::string padding(80, 'x');
  for (int i = 0; i < 1000; ++i) {
    std::ofstream(folder / (padding + std::to_string(i) + ".yaml")) << "Resources: {}\n";
  }
  std::ofstream(folder / "sub/plain.yaml") << "Resources: {}\n";
  fs::create_symlink("sub/plain.yaml", folder / "link.yaml");
  fs::create_directory_symlink("sub", folder / "folder-link");
  cli::WalkResult walk = cli::find_inputs({folder.string()}, {});
  fs::remove_all(folder);

  REQUIRE(walk.inputs.size() == 1002);
  CHECK(walk.problems.empty());
  CHECK(std::is_sorted(walk.inputs.begin(), walk.inputs.end(),
                       [](const cli::Input& a, const cli::Input& b) { return a.path < b.path; }));
  for (const cli::Input& input : walk.inputs) {
    CHECK(input.from_walk);
    // Only the link is not known to be a plain file; the linked folder is not entered.
    CHECK(input.listed_regular == (input.path != (folder / "link.yaml").string()));
  }
  CHECK(walk.inputs[0].path == (folder / "link.yaml").string());
  CHECK(walk.inputs[1].path == (folder / "sub/plain.yaml").string());
  CHECK(walk.folders == std::vector<std::string>{(folder / "sub").string()});
}
