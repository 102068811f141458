#include "cli/graph_command.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "graph/network.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "load/loader.h"
#include "rules/engine.h"

extern char** environ;

namespace stacklint::cli {

namespace {

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// Renders DOT to SVG with Graphviz. The DOT goes through a temporary file, and `dot` is run
// directly (no shell), so nothing from the template is ever interpreted as a command.
bool render_svg(const std::string& dot_text, std::string& svg, std::string& error) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path();
  std::string stem = (dir / ("stacklint-graph-" + std::to_string(getpid()))).string();
  std::string input = stem + ".dot", output = stem + ".svg";
  {
    std::ofstream out(input, std::ios::binary);
    out << dot_text;
  }
  std::string flag_output = "-o" + output;
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"),
                  const_cast<char*>(flag_output.c_str()), const_cast<char*>(input.c_str()),
                  nullptr};
  pid_t pid = 0;
  int status = 0;
  bool ok = posix_spawnp(&pid, "dot", nullptr, nullptr, argv, environ) == 0 &&
            waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (ok) {
    std::ifstream in(output, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    svg = buffer.str();
  } else {
    error = "Graphviz's dot failed to render the diagram";
  }
  std::remove(input.c_str());
  std::remove(output.c_str());
  return ok;
}

}  // namespace

int run_graph_command(const GraphCommandOptions& options, const rules::Catalog& catalog) {
  if (options.format == "svg" && !on_path("dot")) {
    std::cerr << "stacklint: --format svg needs Graphviz's `dot`, which is not installed.\n"
                 "Install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
                 "graphviz), or write DOT with --format dot and render it elsewhere.\n";
    return 2;
  }
  std::error_code size_error;
  uintmax_t size = std::filesystem::file_size(options.path, size_error);
  if (!size_error && size > load::Limits{}.max_bytes) {
    std::cerr << "stacklint: " << options.path << ": " << size / (1024 * 1024)
              << " MB is more than stacklint reads; CloudFormation accepts at most 1 MB\n";
    return 2;
  }
  std::ifstream file(options.path, std::ios::binary);
  if (!file) {
    std::cerr << "stacklint: " << options.path << ": cannot open file\n";
    return 2;
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  auto source = std::make_shared<const load::Source>(options.path, bytes.str());

  load::Loaded loaded = load::load(*source);
  rules::FileResult linted = rules::lint_loaded(source, loaded, catalog, {});
  const load::Node* root = loaded.document.root;
  if (loaded.error || root == nullptr || !root->is_mapping()) {
    std::cerr << "stacklint: " << options.path << ": not a readable template"
              << (loaded.error ? ": " + loaded.error->message : std::string()) << "\n";
    return 2;
  }
  graph::Template tmpl(root);
  graph::Resolver resolver(tmpl);
  graph::Network network(tmpl, resolver);
  report::Diagram diagram = report::build_diagram(tmpl, network, linted.findings, options.diagram);

  std::ostringstream text;
  if (options.format == "mermaid") {
    report::write_mermaid(diagram, text);
  } else {
    report::write_dot(diagram, text);
  }
  std::string result = text.str();
  if (options.format == "svg") {
    std::string error;
    if (!render_svg(text.str(), result, error)) {
      std::cerr << "stacklint: " << error << "\n";
      return 2;
    }
  }
  if (options.output.empty()) {
    std::cout << result;
    return 0;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << result;
  if (!out) {
    std::cerr << "stacklint: cannot write " << options.output << "\n";
    return 2;
  }
  return 0;
}

}  // namespace stacklint::cli
