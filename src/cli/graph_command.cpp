#include "cli/graph_command.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/stacks.h"
#include "cli/walker.h"
#include "graph/network.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "load/loader.h"
#include "report/report.h"
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

// Feeds `input` to a child's standard input while reading its standard output (at most
// `limit` bytes), so that neither side waits for the other whatever the sizes.
bool exchange(int to_child, int from_child, std::string_view input, std::string& output,
              size_t limit) {
  fcntl(to_child, F_SETFL, fcntl(to_child, F_GETFL) | O_NONBLOCK);
  char buffer[1 << 16];
  bool ok = true;
  while (from_child >= 0) {
    pollfd fds[2] = {{from_child, POLLIN, 0}, {to_child, POLLOUT, 0}};
    nfds_t count = to_child >= 0 ? 2 : 1;
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (count == 2 && fds[1].revents != 0) {
      ssize_t n = ::write(to_child, input.data(), std::min<size_t>(input.size(), sizeof buffer));
      if (n > 0) input.remove_prefix(static_cast<size_t>(n));
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || input.empty()) {
        ::close(to_child);  // end of input, or the child stopped reading
        to_child = -1;
      }
    }
    if (fds[0].revents != 0) {
      ssize_t n = ::read(from_child, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;
      if (output.size() + static_cast<size_t>(n) > limit) {
        ok = false;  // more than any diagram of this template should take
        break;
      }
      output.append(buffer, static_cast<size_t>(n));
    }
  }
  // Both ends closed on every way out, so the child can never wait on us.
  if (to_child >= 0) ::close(to_child);
  ::close(from_child);
  return ok;
}

// Renders DOT to SVG with Graphviz, through pipes: no temporary file that another user could
// plant a link at, and `dot` is run directly (no shell), so nothing from the template is ever
// interpreted as a command.
bool render_svg(const std::string& dot_text, std::string& svg, std::string& error) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) {
    error = "cannot run Graphviz's dot: " + errno_message(errno);
    return false;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    error = "cannot run Graphviz's dot: " + errno_message(errno);
    ::close(in[0]);
    ::close(in[1]);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  // Its messages would quote the template's names raw: they stay out of the terminal.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"), nullptr};
  // stacklint ignores SIGPIPE (a closed pipe is an error it reports); dot gets the default back.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "dot", &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(in[0]);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(in[1]);
    ::close(out[0]);
    error = "cannot run Graphviz's dot: " + errno_message(spawned);
    return false;
  }
  bool exchanged = exchange(in[1], out[0], dot_text, svg, 64 * 1024 * 1024 + 64 * dot_text.size());
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!exchanged || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "Graphviz's dot failed to render the diagram";
    return false;
  }
  return true;
}

}  // namespace

namespace {

// Writes the diagram text (DOT, Mermaid, or SVG rendered from DOT) where --output says.
int emit(const GraphCommandOptions& options, const std::string& text) {
  std::string result = text, error;
  if (options.format == "svg" && !render_svg(text, result, error)) {
    complain(error);
    return 2;
  }
  if (options.output.empty()) {
    std::cout << result;
    return 0;
  }
  if (!write_file(options.output, result, error)) {
    complain(error);
    return 2;
  }
  return 0;
}

// `stacklint graph --env NAME`: every stack of the environment, each in its frame.
int draw_environment(const GraphCommandOptions& options, const rules::Catalog& catalog,
                     std::set<FileId> inputs, const Config& config) {
  const Environment* environment = nullptr;
  for (const Environment& each : config.environments) {
    if (each.name.value == options.environment) environment = &each;
  }
  if (environment == nullptr) {
    complain("no environment " + options.environment +
             (config.file.empty() ? " (no .stacklint.yaml found)" : " in " + config.file));
    return 2;
  }
  if (!options.path.empty()) {
    complain("graph --env draws the environment's stacks; name no template with it");
    return 2;
  }
  std::vector<report::StackFrame> frames;
  std::vector<report::StackEdge> links;
  DriverResult result;
  std::vector<RootStack> roots;
  std::string error;
  if (!roots_of(config, *environment, roots, error, &inputs)) {
    complain(error);
    return 2;
  }
  draw_linked(roots, catalog, options.diagram, frames, links, result);
  for (const report::Notice& notice : result.notices) complain(notice.path + ": " + notice.message);
  if (!result.notices.empty()) return 2;
  inputs.insert(result.inputs.begin(), result.inputs.end());
  if (std::optional<FileId> target = identity_of(options.output); target && inputs.count(*target)) {
    complain("--output " + options.output + " is an input; stacklint never writes to its inputs");
    return 2;
  }
  std::ostringstream text;
  if (options.format == "mermaid") {
    report::write_stacks_mermaid(frames, links, text);
  } else {
    report::write_stacks_dot(frames, links, text);
  }
  return emit(options, text.str());
}

}  // namespace

int run_graph_command(const GraphCommandOptions& options, const rules::Catalog& catalog,
                      std::set<FileId> inputs, const Config& config) {
  if (options.format == "svg" && !on_path("dot")) {
    std::cerr << "stacklint: --format svg needs Graphviz's `dot`, which is not installed.\n"
                 "Install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
                 "graphviz), or write DOT with --format dot and render it elsewhere.\n";
    return 2;
  }
  if (!options.environment.empty()) return draw_environment(options, catalog, inputs, config);
  if (options.path.empty()) {
    complain("graph needs a template to draw (stacklint graph FILE), or --env NAME");
    return 2;
  }
  if (options.path == "-") {
    // A diagram needs the template's own file (its name, a second read for the findings).
    complain("graph reads a file, not standard input: name the template (stacklint graph FILE)");
    return 2;
  }
  std::string bytes, error;
  if (!read_whole_file(options.path, load::Limits{}.max_bytes, "the template", bytes, error,
                       &inputs)) {
    complain(error);
    return 2;
  }
  // Refused before any work: the diagram would replace the template it draws.
  if (std::optional<FileId> target = identity_of(options.output); target && inputs.count(*target)) {
    complain("--output " + options.output +
             " is an input (the template, the configuration or a rule file); stacklint never "
             "writes to its inputs");
    return 2;
  }
  auto source = std::make_shared<const load::Source>(options.path, std::move(bytes));

  load::Loaded loaded = load::load(*source);
  rules::FileResult linted = rules::lint_loaded(source, loaded, catalog, {});
  const load::Node* root = loaded.document.root;
  if (loaded.error || root == nullptr || !root->is_mapping()) {
    complain(options.path + ": not a readable template" +
             (loaded.error ? ": " + loaded.error->message : std::string()));
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
  return emit(options, text.str());
}

}  // namespace stacklint::cli
