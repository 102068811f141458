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

#include "rules/catalog.h"
#include "rules/embedded.h"

namespace stacklint::rules {

// The tool is what makes the compiled catalogue, so it is linked with an empty one.
extern const char kCompiledCatalog[] = "";
const size_t kCompiledCatalogSize = 0;

}  // namespace stacklint::rules

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  out = bytes.str();
  return static_cast<bool>(in);
}

// `bytes` as a C++ string literal: printable ASCII as is, everything else as a three-digit octal
// escape (never followed by a digit that could extend it), a line of source after each newline.
std::string literal(const std::string& bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f && c != '?') {  // '?': no trigraph, in any standard
      out += c;
    } else {
      const char octal[] = {'\\', static_cast<char>('0' + (u >> 6)),
                            static_cast<char>('0' + ((u >> 3) & 7)),
                            static_cast<char>('0' + (u & 7)), '\0'};
      out += octal;
      if (c == '\n') out += "\"\n    \"";
    }
  }
  return out + "\"";
}

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
  // Rewritten only when it changes, so that relinking the tool rebuilds nothing else.
  std::string old;
  if (fs::exists(output) && read_file(output, old) && old == source) return 0;
  fs::path temporary = output;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << source;
    if (!out.flush()) {
      std::cerr << temporary.string() << ": cannot write\n";
      return 1;
    }
  }
  fs::rename(temporary, output);
  return 0;
}
