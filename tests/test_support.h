// Helpers shared by the tests: lint text in memory, read files from the source tree.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "graph/network.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "load/loader.h"
#include "rules/catalog.h"
#include "rules/engine.h"

namespace stacklint::testing {

inline std::string source_dir() {
  return STACKLINT_SOURCE_DIR;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline rules::FileResult lint_text(const std::string& text, std::vector<std::string> select = {},
                                   const std::string& name = "test.yaml") {
  rules::LintOptions options;
  for (std::string& id : select) options.selection.select.insert(std::move(id));
  auto source = std::make_shared<const load::Source>(name, text);
  return rules::lint(source, rules::Catalog::builtin(), options);
}

// A template taken through load and graph, for tests of the graph stage and what reads it.
// Fails the test when the text does not load.
struct GraphedTemplate {
  std::shared_ptr<const load::Source> source;
  load::Loaded loaded;
  std::unique_ptr<graph::Template> tmpl;
  std::unique_ptr<graph::Resolver> resolver;
  std::unique_ptr<graph::Network> network;

  explicit GraphedTemplate(const std::string& text)
      : source(std::make_shared<const load::Source>("t.yaml", text)), loaded(load::load(*source)) {
    REQUIRE_FALSE(loaded.error);
    tmpl = std::make_unique<graph::Template>(loaded.document.root);
    resolver = std::make_unique<graph::Resolver>(*tmpl);
    network = std::make_unique<graph::Network>(*tmpl, *resolver);
  }
};

// "R110@10:16" for each finding, in report order.
inline std::vector<std::string> finding_keys(const rules::FileResult& result) {
  std::vector<std::string> keys;
  for (const rules::Finding& finding : result.findings) {
    keys.push_back(finding.rule->id + "@" + std::to_string(finding.range.begin.line) + ":" +
                   std::to_string(finding.range.begin.column));
  }
  return keys;
}

}  // namespace stacklint::testing
