// The run's documents (cli/documents.h): a nested stack's file that is also an input is parsed
// once, whichever of the two comes first; memory stays within the bounds.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "cli/documents.h"
#include "cli/driver.h"
#include "cli/stacks.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace stacklint;

namespace {

const fs::path kFolder =
    fs::path(testing::source_dir()) / "testdata/R130/fires-linked-nested-parameter";

std::string parent_path() {
  return (kFolder / "main.yaml").lexically_normal().string();
}

std::string child_path() {
  return (kFolder / "nested/workers.yaml").lexically_normal().string();
}

std::shared_ptr<const cli::LoadedDocument> read(const std::string& path) {
  cli::ReadResult read;
  auto document = cli::read_document(path, path, load::Limits{}, false, read);
  REQUIRE(document != nullptr);
  return document;
}

// The parent linted as an input would be: linked with its nested stack, with the run's cache.
cli::DriverResult link_parent(cli::DocumentCache& cache) {
  std::vector<cli::RootStack> roots(1);
  roots[0].path = parent_path();
  roots[0].loaded = cache.start_input(parent_path());
  if (roots[0].loaded == nullptr) roots[0].loaded = read(parent_path());
  cli::DriverOptions options;
  options.lint.selection.select.insert("R130");
  return cli::lint_linked(roots, false, rules::Catalog::builtin(), options, &cache);
}

std::vector<std::string> findings_of(const cli::DriverResult& result) {
  std::vector<std::string> out;
  for (const rules::FileResult& file : result.files) {
    for (const rules::Finding& finding : file.findings) {
      out.push_back(file.source->path() + ":" + std::to_string(finding.range.begin.line) + " " +
                    finding.rule->id + " " + finding.message);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("documents: a nested stack linked before its own lint is loaded once, for both") {
  cli::DocumentCache cache({{parent_path(), false}, {child_path(), false}});
  cli::DriverResult linked = link_parent(cache);
  REQUIRE(linked.files.size() == 2);
  // The child's own lint takes the tree the link loaded, and only once.
  std::shared_ptr<const cli::LoadedDocument> child = cache.start_input(child_path());
  REQUIRE(child != nullptr);
  CHECK(child->source.get() == linked.files[1].source.get());
  CHECK(child->source->path() == child_path());
  CHECK(child->id.has_value());
  CHECK(cache.start_input(child_path()) == nullptr);
  CHECK(cache.find(child_path()) == nullptr);
}

TEST_CASE("documents: a nested stack linted just before its parent is not read again") {
  cli::DocumentCache cache({{child_path(), false}, {parent_path(), false}});
  CHECK(cache.start_input(child_path()) == nullptr);
  std::shared_ptr<const cli::LoadedDocument> child = read(child_path());
  cache.linted(child_path(), child);
  cli::DriverResult linked = link_parent(cache);
  REQUIRE(linked.files.size() == 2);
  CHECK(linked.files[1].source.get() == child->source.get());
}

TEST_CASE("documents: a file that is no input of the run is not kept after its link") {
  cli::DocumentCache cache({{parent_path(), false}});
  cli::DriverResult linked = link_parent(cache);
  REQUIRE(linked.files.size() == 2);
  CHECK(cache.find(child_path()) == nullptr);
  // Nor is an input whose own lint has started: it has its own document already.
  cli::DocumentCache started({{parent_path(), false}, {child_path(), false}});
  CHECK(started.start_input(child_path()) == nullptr);
  link_parent(started);
  CHECK(started.find(child_path()) == nullptr);
}

TEST_CASE("documents: the recent ones stay within their bound, the oldest leaving first") {
  cli::DocumentCache cache({});
  std::shared_ptr<const cli::LoadedDocument> document = read(child_path());
  size_t nodes = document->loaded.document.node_count() + 1;
  REQUIRE(nodes < cli::DocumentCache::kRecentNodes);
  size_t fit = cli::DocumentCache::kRecentNodes / nodes;
  for (size_t i = 0; i <= fit; ++i) cache.linted("file" + std::to_string(i), document);
  CHECK(cache.find("file0") == nullptr);
  CHECK(cache.find("file1") != nullptr);
  CHECK(cache.find("file" + std::to_string(fit)) != nullptr);
}

TEST_CASE("documents: only a lexically normal UTF-8 name is shared") {
  CHECK(cli::DocumentCache::key_of("a/b.yaml") == "a/b.yaml");
  CHECK(cli::DocumentCache::key_of("../a/b.yaml") == "../a/b.yaml");
  CHECK(cli::DocumentCache::key_of("a/./b.yaml").empty());
  CHECK(cli::DocumentCache::key_of("a//b.yaml").empty());
  CHECK(cli::DocumentCache::key_of("a/\xff.yaml").empty());
  CHECK(cli::DocumentCache::key_of("").empty());
}

TEST_CASE("documents: a plain run reports the same whether the nested stack comes first or last") {
  cli::DriverOptions options;
  options.lint.selection.select.insert("R130");
  for (unsigned jobs : {1u, 2u}) {
    options.jobs = jobs;
    cli::DriverResult parent_first = cli::lint_inputs(
        {{parent_path(), false}, {child_path(), false}}, rules::Catalog::builtin(), options);
    cli::DriverResult child_first = cli::lint_inputs(
        {{child_path(), false}, {parent_path(), false}}, rules::Catalog::builtin(), options);
    cli::DriverResult parent_alone =
        cli::lint_inputs({{parent_path(), false}}, rules::Catalog::builtin(), options);
    std::vector<std::string> first = findings_of(parent_first);
    std::vector<std::string> last = findings_of(child_first);
    std::vector<std::string> alone = findings_of(parent_alone);
    REQUIRE(alone.size() == 1);  // the nested stack's finding, with the parent's parameter
    std::sort(first.begin(), first.end());
    std::sort(last.begin(), last.end());
    CHECK(first == alone);
    CHECK(last == alone);
  }
}
