// Build-time tool: validates rules/*.yaml with the catalogue's own reader and writes them, in
// Catalog::compile()'s binary form, as a C++ source that the stacklint binary is linked with, so
// that a run starts without parsing YAML. Not installed; CMake runs it before building stacklint.
//   stacklint_compile_rules OUTPUT.cpp rules/A.yaml rules/B.yaml ...
// Each rule is named rules/<file name>, as before. A problem in a rule file fails the build,
// printed as "rules/X.yaml:line:column: what", like a finding.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "generated_source.h"
#include "rules/catalog.h"
#include "rules/embedded.h"

namespace stacklint::rules {

// The tool is what makes the compiled catalogue, so it is linked with an empty one.
extern const char kCompiledCatalog[] = "";
const size_t kCompiledCatalogSize = 0;

}  // namespace stacklint::rules

namespace {

namespace fs = std::filesystem;
using stacklint::tools::literal;
using stacklint::tools::read_file;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: stacklint_compile_rules OUTPUT.cpp RULE.yaml...\n";
    return 2;
  }
  fs::path output = argv[1];
  std::vector<fs::path> inputs(argv + 2, argv + argc);
  std::sort(inputs.begin(), inputs.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  stacklint::rules::Catalog catalog;
  for (const fs::path& input : inputs) {
    std::string text;
    if (!read_file(input, text)) {
      std::cerr << input.string() << ": cannot read the rule file\n";
      return 1;
    }
    catalog.add_file("rules/" + input.filename().string(), std::move(text), true);
  }
  if (!catalog.errors().empty()) {
    for (const std::string& error : catalog.errors()) std::cerr << error << "\n";
    std::cerr << "stacklint_compile_rules: " << catalog.errors().size()
              << " problem(s) in rules/*.yaml; stacklint is not built with a broken rule\n";
    return 1;
  }
  std::string source =
      "// Generated from rules/*.yaml by tools/compile_rules.cpp (Catalog::compile()). Do not "
      "edit.\n#include \"rules/embedded.h\"\n\nnamespace stacklint::rules {\n\n"
      "extern const char kCompiledCatalog[] =\n    " +
      literal(catalog.compile()) +
      ";\nconst size_t kCompiledCatalogSize = sizeof(kCompiledCatalog) - 1;\n\n"
      "}  // namespace stacklint::rules\n";
  return stacklint::tools::write_if_changed(output, source) ? 0 : 1;
}
