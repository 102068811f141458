// The command line: stacklint [paths] | rules | explain ID | graph FILE | lsp | help [COMMAND].
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/baseline.h"
#include "cli/catalog_output.h"
#include "cli/config.h"
#include "cli/driver.h"
#include "cli/files.h"
#include "cli/graph_command.h"
#include "cli/parameters.h"
#include "cli/root.h"
#include "cli/stacks.h"
#include "cli/walker.h"
#include "lsp/server.h"
#include "report/report.h"
#include "rules/checks/T0_validity.h"

namespace {

using namespace stacklint;

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

// Whether the text report on standard output is coloured. --color always/never decide alone.
// In auto mode: NO_COLOR (no-color.org: set and not empty) turns colour off and wins over
// everything else, as in the clicolors convention (bixense.com/clicolors); then FORCE_COLOR
// (force-color.org) or CLICOLOR_FORCE, set and neither empty nor "0", turn it on even when
// standard output is no terminal; else colour needs a terminal whose TERM is not "dumb".
bool use_color(const std::string& mode, bool tty) {
  if (mode != "auto") return mode == "always";
  auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
  };
  auto forced = [&](const char* name) {
    return set(name) && std::string(std::getenv(name)) != "0";
  };
  if (set("NO_COLOR")) return false;
  if (forced("FORCE_COLOR") || forced("CLICOLOR_FORCE")) return true;
  const char* term = std::getenv("TERM");
  return tty && !(term != nullptr && std::string(term) == "dumb");
}

// For a command-line error about unknown options: "did you mean" the closest option of the app
// or its subcommands, for each argument that names no option.
void suggest_options(const CLI::App& app, int argc, char** argv) {
  std::set<std::string> names;
  std::vector<const CLI::App*> apps{&app};
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    apps.push_back(sub);
  }
  for (const CLI::App* each : apps) {
    for (const CLI::Option* option : each->get_options()) {
      for (const std::string& name : option->get_lnames()) names.insert("--" + name);
    }
  }
  std::vector<std::string_view> candidates(names.begin(), names.end());
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    arg = arg.substr(0, arg.find('='));
    if (names.count(arg)) continue;
    std::string_view near =
        rules::validity::closest(arg, candidates, rules::validity::kCommandLineSuggestionWork);
    if (!near.empty()) {
      cli::complain("unknown option " + arg + "; did you mean " + std::string(near) + "?");
    }
  }
}

// The rules' ids that comma-separated selectors name (ids, names, tags, id prefixes); false with
// a message, and a suggestion, for a selector that names no rule.
bool expand_selectors(const std::vector<std::string>& values, const rules::Catalog& catalog,
                      std::set<std::string>& ids) {
  for (const std::string& value : values) {
    for (const std::string& selector : cli::split_list(value)) {
      std::vector<const rules::RuleInfo*> selected = cli::rules_selected_by(catalog, selector);
      if (selected.empty()) {
        cli::complain("unknown rule " + selector + cli::rule_suggestion(catalog, selector) +
                      " (a rule id, name, tag or id prefix; see `stacklint rules`)");
        return false;
      }
      for (const rules::RuleInfo* rule : selected) ids.insert(rule->id);
    }
  }
  return true;
}

// --statistics: one line per rule that has findings (not suppressed): id, name, count; the most
// frequent first, then by id.
void write_statistics(const report::Run& run, std::ostream& out) {
  std::map<const rules::RuleInfo*, size_t> counts;
  for (const rules::FileResult& file : run.files) {
    for (const rules::Finding& finding : file.findings) {
      if (!finding.suppressed) ++counts[finding.rule];
    }
  }
  std::vector<std::pair<const rules::RuleInfo*, size_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first->id < b.first->id;
  });
  for (const auto& [rule, count] : rows) {
    out << std::left << std::setw(6) << rule->id << " " << std::setw(42) << rule->name << " "
        << std::right << std::setw(6) << count << "\n";
  }
}

struct OutputRequest {
  std::string format;
  std::string file;  // empty: standard output
};

// Everything the run writes besides standard output: what asked for it, and where.
struct Target {
  std::string option;  // "--output", "--write-baseline"
  std::string path;
};

// Refuses the run's writes before any is made: a target that is an input (by identity, so a
// hard link or a link to a template counts), or one file named twice.
bool check_targets(const std::vector<Target>& targets, const std::set<cli::FileId>& inputs) {
  std::set<cli::TargetKey> keys;
  std::set<std::filesystem::path> created;
  for (const Target& target : targets) {
    std::string name = cli::printable_path(target.path);
    std::optional<cli::FileId> id = cli::identity_of(target.path);
    if (id && inputs.count(*id)) {
      cli::complain(target.option + " " + name +
                    " is one of the files stacklint reads (a template, the configuration, the "
                    "baseline or a rule file); stacklint never writes to its inputs");
      return false;
    }
    // Compared as they will be once written: a link to nothing and the name it points at, or
    // "a/../r.json" and "r.json", are one file even before it exists.
    std::optional<cli::TargetKey> key = cli::write_target_key(target.path);
    std::error_code error;
    bool twice =
        key ? !keys.insert(*key).second
            : !created.insert(std::filesystem::absolute(target.path, error).lexically_normal())
                   .second;
    if (twice) {
      cli::complain(name + " is named by two options (" + target.option +
                    " and another); each output needs its own file");
      return false;
    }
  }
  return true;
}

// A run's memory goes up and down with each file it lints. glibc gives freed memory back to the
// kernel (the heap's top past 128 KB, and each block above its mmap threshold when freed), and
// every page it then asks for again costs a page fault: a run keeps what it freed for the next
// files instead. Not for the language server, whose memory should shrink after a large file.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest
  // A page fault costs 10-20 us on a virtual machine, a page of tree or findings perhaps 2 us
  // to fill: the heap takes 32 MB of address space at once (only what is touched becomes
  // memory) and asks for transparent huge pages there, so that the run's memory arrives in
  // 2 MB pages, one fault where there were 512. Where the kernel has them off, nothing changes.
  char* before = static_cast<char*>(sbrk(0));
  mallopt(M_TOP_PAD, 32 << 20);
  void* volatile grown = malloc(1 << 20);  // more than the heap has free: it grows
  free(grown);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default, for any later growth
  char* after = static_cast<char*>(sbrk(0));
  uintptr_t start = (reinterpret_cast<uintptr_t>(before) + 4095) & ~uintptr_t{4095};
  if (before != reinterpret_cast<char*>(-1) && reinterpret_cast<uintptr_t>(after) > start) {
    madvise(reinterpret_cast<void*>(start), reinterpret_cast<uintptr_t>(after) - start,
            MADV_HUGEPAGE);
  }
#endif
}

int run(int argc, char** argv) {
  CLI::App app{
      "stacklint: finds the architecture mistakes in CloudFormation templates that cost "
      "uptime and data.",
      "stacklint"};
  app.set_version_flag("--version", "stacklint " + std::string(report::kVersion));
  app.require_subcommand(0, 1);

  std::vector<std::string> paths;
  std::vector<std::string> formats;
  std::vector<std::string> outputs;
  std::string fail_level = "warning";
  std::vector<std::string> select, ignore;
  std::string stdin_filename = "<stdin>";
  std::string color = "auto";
  unsigned jobs = 0;
  bool stats = false, quiet = false, statistics = false, no_ignore = false;
  std::string config_file, baseline_file, write_baseline_file, environment;
  std::vector<std::string> excludes;
  bool no_foreign_suppressions = false, force_exclude = false, skip_non_templates = false;
  std::vector<std::string> parameter_files, parameter_assignments;

  std::vector<std::string> format_choices;
  for (std::string_view name : report::format_names()) format_choices.emplace_back(name);
  app.add_option("paths", paths, "Template files or folders to lint; - reads standard input");
  auto* format_option =
      app.add_option("-f,--format", formats,
                     "Output format: text, concise, json, sarif, github, gitlab, junit. Repeat "
                     "to write several formats; each --output after a --format names that "
                     "format's file")
          ->check(CLI::IsMember(format_choices))
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  auto* output_option = app.add_option("-o,--output", outputs, "Write the report to FILE")
                            ->expected(1)
                            ->allow_extra_args(false)
                            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--fail-level", fail_level, "Exit 1 when a finding is at or above this severity")
      ->check(CLI::IsMember({"error", "warning", "info", "none"}));
  app.add_option("--select", select,
                 "Run only these rules: ids, names, tags or id prefixes (R1), comma-separated")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--ignore", ignore,
                 "Do not run these rules: ids, names, tags or id prefixes, comma-separated")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--stdin-filename", stdin_filename, "The name to report for standard input");
  app.add_option("--color", color, "Color in text output")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("-j,--jobs", jobs, "Files linted at once (default: one per core)");
  app.add_flag("--stats", stats, "Print the time spent in each stage to standard error");
  app.add_flag("-q,--quiet", quiet, "Print only the findings, without the summary line");
  app.add_flag("--statistics", statistics,
               "Print the number of findings per rule instead of the findings");
  app.add_flag("--no-ignore", no_ignore, "Lint files in folders even when .gitignore ignores them");
  app.add_option("--config", config_file,
                 "Read settings from FILE instead of the nearest .stacklint.yaml");
  app.add_option("--env", environment,
                 "Lint the stacks that .stacklint.yaml declares for this environment together: "
                 "imports, stack names, parameters and nested stacks linked")
      ->type_name("NAME");
  app.add_option("--exclude", excludes, "Do not lint files matching this glob (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--force-exclude", force_exclude,
               "Apply the excludes to files named on the command line too (for hooks)");
  app.add_flag("--skip-non-templates", skip_non_templates,
               "Skip named YAML/JSON files that are clearly not CloudFormation, as in a folder "
               "walk (for hooks)");
  app.add_flag("--no-foreign-suppressions", no_foreign_suppressions,
               "Ignore cfn-lint, cfn_nag, checkov and cfn-guard suppressions in templates");
  app.add_option("--parameter-file", parameter_files,
                 "Parameter values for the templates: an AWS CLI parameters file, a CodePipeline "
                 "template configuration or a YAML/JSON mapping (repeatable; later files win)")
      ->type_name("FILE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--parameter", parameter_assignments,
                 "A parameter value, NAME=VALUE (repeatable; beats --parameter-file)")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--baseline", baseline_file,
                 "Report only findings that the baseline FILE does not record");
  app.add_option("--write-baseline", write_baseline_file,
                 "Record the current findings in FILE as the baseline, and exit");
  // Report paths (SARIF, GitLab, JUnit): --root and --no-suppressed (issue 12).
  std::string report_root;
  bool no_suppressed = false;
  app.add_option("--root", report_root,
                 "Make SARIF, GitLab and JUnit paths relative to DIR (default: the enclosing "
                 "git work tree, else the working folder)")
      ->type_name("DIR");
  app.add_flag("--no-suppressed", no_suppressed,
               "Leave suppressed findings out of the SARIF, JSON and JUnit reports");

  auto* rules_command = app.add_subcommand("rules", "List every rule: id, name, severity, title");
  std::string rules_format = "text";
  rules_command->add_option("-f,--format", rules_format, "text, json, markdown or docs")
      ->check(CLI::IsMember({"text", "json", "markdown", "docs"}));

  auto* graph_command = app.add_subcommand(
      "graph", "Draw a template by VPC and Availability Zone, with its findings");
  cli::GraphCommandOptions graph_options;
  graph_command->add_option("template", graph_options.path, "The template to draw");
  graph_command
      ->add_option("--env", graph_options.environment,
                   "Draw the stacks .stacklint.yaml declares for this environment together")
      ->type_name("NAME");
  graph_command->add_option("-f,--format", graph_options.format, "dot, mermaid or svg")
      ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
  graph_command->add_option("-o,--output", graph_options.output, "Write the diagram to FILE");
  graph_command->add_flag("--only-findings", graph_options.diagram.only_findings,
                          "Only resources with findings and their neighbours");
  graph_command->add_flag("--all", graph_options.diagram.all,
                          "Also IAM and other plumbing, and parameters");

  auto* lsp_command = app.add_subcommand(
      "lsp",
      "Run the language server for editors (LSP over standard input and output); each "
      "document uses its nearest .stacklint.yaml");

  auto* help_command = app.add_subcommand("help", "Show the help of stacklint or of a command");
  std::string help_topic;
  help_command->add_option("command", help_topic, "rules, explain, graph, lsp or help");

  auto* explain_command = app.add_subcommand("explain", "Show a rule's full documentation");
  std::string explain_id;
  explain_command->add_option("rule", explain_id, "Rule id or name, e.g. R110")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's messages quote the arguments, which may come from a pull request's CI settings.
    std::ostringstream help, error;
    int code = app.exit(e, help, error);
    std::cout << help.str();
    cli::complain_lines(error.str());
    if (code != 0) suggest_options(app, argc, argv);
    return code == 0 ? kExitClean : kExitUsage;
  }

  std::vector<std::string_view> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
  }
  if (*help_command) {
    if (help_topic.empty()) {
      std::cout << app.help();
      return kExitClean;
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == help_topic) {
        std::cout << sub->help();
        return kExitClean;
      }
    }
    std::string_view near =
        rules::validity::closest(help_topic, commands, rules::validity::kCommandLineSuggestionWork);
    cli::complain("no command " + help_topic +
                  (near.empty() ? "" : "; did you mean " + std::string(near) + "?") +
                  " (commands: rules, explain, graph, lsp, help)");
    return kExitUsage;
  }
  // A word that is no file but close to a command is a mistyped command (`stacklint rulez`).
  for (const std::string& path : paths) {
    std::error_code error;
    if (path.find_first_of("./") != std::string::npos || std::filesystem::exists(path, error)) {
      continue;
    }
    std::string_view near =
        rules::validity::closest(path, commands, rules::validity::kCommandLineSuggestionWork);
    if (!near.empty()) {
      cli::complain("no file, folder or command " + path + "; did you mean `stacklint " +
                    std::string(near) + "`?");
      return kExitUsage;
    }
  }

  // The server reads each document's own configuration; it never writes to files.
  if (*lsp_command) return lsp::serve(STDIN_FILENO, STDOUT_FILENO);
  keep_freed_memory();

  if (!rules::Catalog::builtin().errors().empty()) {
    for (const std::string& error : rules::Catalog::builtin().errors())
      std::cerr << "stacklint: internal error: " << error << "\n";
    return kExitUsage;
  }

  cli::Config config;
  std::set<cli::FileId> inputs;  // every file read, by identity: never written to
  {
    std::string error;
    std::optional<std::filesystem::path> found;
    if (!config_file.empty()) {
      found = config_file;
    } else {
      found = cli::find_config(std::filesystem::current_path());
    }
    if (found && !cli::read_config(found->string(), config, error, &inputs)) {
      cli::complain(error);
      return kExitUsage;
    }
  }
  std::unique_ptr<rules::Catalog> configured_catalog;
  if (!config.rule_directories.empty()) {
    std::string error;
    configured_catalog = cli::load_catalog(config, error, &inputs);
    if (!configured_catalog) {
      std::stringstream lines(error);
      for (std::string line; std::getline(lines, line);) cli::complain(line);
      return kExitUsage;
    }
  }
  const rules::Catalog& catalog =
      configured_catalog ? *configured_catalog : rules::Catalog::builtin();
  {
    std::string error;
    if (!cli::check_rule_ids(config, catalog, error)) {
      cli::complain(error);
      return kExitUsage;
    }
  }

  if (*rules_command) {
    cli::write_catalog(catalog, rules_format, std::cout);
    return kExitClean;
  }
  if (*graph_command) return cli::run_graph_command(graph_options, catalog, inputs, config);
  if (*explain_command) {
    const rules::RuleInfo* rule = catalog.find(explain_id);
    if (rule == nullptr) {
      cli::complain("no rule " + explain_id + cli::rule_suggestion(catalog, explain_id) +
                    " (see `stacklint rules`)");
      return kExitUsage;
    }
    cli::write_explanation(*rule, std::cout);
    return kExitClean;
  }

  const cli::Environment* declared = nullptr;
  if (!environment.empty()) {
    std::vector<std::string_view> names;
    for (const cli::Environment& each : config.environments) {
      names.push_back(each.name.value);
      if (each.name.value == environment) declared = &each;
    }
    if (declared == nullptr) {
      std::string_view near =
          rules::validity::closest(environment, names, rules::validity::kCommandLineSuggestionWork);
      cli::complain("no environment " + environment +
                    (config.file.empty() ? " (no .stacklint.yaml found)" : " in " + config.file) +
                    (near.empty() ? "" : "; did you mean " + std::string(near) + "?") +
                    " (declare it under `environments`; see the README, Several stacks)");
      return kExitUsage;
    }
    if (!paths.empty()) {
      cli::complain("--env " + environment +
                    " lints the stacks the configuration declares; name no paths with it");
      return kExitUsage;
    }
  }

  if (paths.empty() && declared == nullptr) {
    std::cerr << "stacklint: name the templates or folders to lint, or - for standard input\n"
              << "Run with --help for more information.\n";
    return kExitUsage;
  }

  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    std::cerr << "stacklint: - (standard input) is named more than once; it can be read once\n";
    return kExitUsage;
  }

  // Pair each --output with the --format given before it.
  std::vector<OutputRequest> requests;
  {
    size_t next_format = 0, next_output = 0;
    for (const CLI::Option* option : app.parse_order()) {
      if (option == format_option) {
        requests.push_back({formats[next_format++], ""});
      } else if (option == output_option) {
        if (requests.empty()) requests.push_back({"text", ""});
        if (!requests.back().file.empty()) {
          cli::complain("--output " + outputs[next_output] +
                        " needs a --format before it (one file per format)");
          return kExitUsage;
        }
        requests.back().file = outputs[next_output++];
      }
    }
    if (requests.empty()) requests.push_back({"text", ""});
  }

  cli::DriverOptions options;
  options.jobs = jobs;
  // The reports read the files' paths; only the text report reads their text, for the lines
  // it shows. The rest of each file's text goes once the file is linted.
  bool text_read = std::any_of(requests.begin(), requests.end(), [&](const OutputRequest& r) {
    return report::reads_file_text(r.format) && !(r.file.empty() && statistics);
  });
  options.keep_text = text_read ? cli::KeepText::SnippetLines : cli::KeepText::PathOnly;
  // Reports are UTF-8: a name given with bytes that are not is shown with them replaced.
  options.stdin_filename = cli::printable_path(stdin_filename);
  options.lint.skip_non_templates = skip_non_templates;
  // Command-line flags replace the configuration file's value of the same setting.
  if (app.count("--fail-level") == 0 && config.fail_level) fail_level = *config.fail_level;
  if (app.count("--select") == 0 && config.select) {
    for (const cli::Located& id : *config.select) select.push_back(id.value);
  }
  if (app.count("--ignore") == 0 && config.ignore) {
    for (const cli::Located& id : *config.ignore) ignore.push_back(id.value);
  }
  for (const auto& [id, level] : config.severity) {
    options.lint.selection.severity[catalog.find(id.value)->id] = level;
  }
  options.lint.foreign_suppressions =
      !no_foreign_suppressions && config.foreign_suppressions.value_or(true);
  if (!expand_selectors(select, catalog, options.lint.selection.select) ||
      !expand_selectors(ignore, catalog, options.lint.selection.ignore)) {
    return kExitUsage;
  }

  {
    std::string error;
    options.lint.parameters =
        cli::read_parameters(parameter_files, parameter_assignments, error, &inputs);
    if (!error.empty()) {
      cli::complain(error);
      return kExitUsage;
    }
  }

  auto started = std::chrono::steady_clock::now();
  cli::WalkResult walk =
      cli::find_inputs(paths, {"node_modules", ".git", "cdk.out", ".aws-sam"}, !no_ignore);
  {
    std::vector<std::string> patterns = cli::default_excludes();
    patterns.insert(patterns.end(), config.exclude.begin(), config.exclude.end());
    // Patterns from the command line are relative to where stacklint runs, like its paths.
    cli::Excludes from_config(
        patterns, config.file.empty() ? std::filesystem::current_path() : config.directory);
    cli::Excludes from_flags(excludes, std::filesystem::current_path());
    auto excluded = [&](const cli::Input& input) {
      if (input.path == "-" || (!input.from_walk && !force_exclude)) return false;
      return from_config.excluded(input.path) || from_flags.excluded(input.path);
    };
    // A file is linted under the first of its names: an excluded first name leaves it out
    // under its later names too, which only asking each name's identity now can tell.
    if (std::any_of(walk.inputs.begin(), walk.inputs.end(), excluded)) {
      cli::drop_later_names(walk.inputs);
      std::erase_if(walk.inputs, excluded);
    }
  }
  std::vector<cli::RootStack> roots;
  if (declared != nullptr) {
    std::string error;
    if (!cli::roots_of(config, *declared, roots, error, &inputs)) {
      cli::complain(error);
      return kExitUsage;
    }
  }
  cli::DriverResult linted = declared != nullptr
                                 ? cli::lint_linked(roots, declared->complete, catalog, options)
                                 : cli::lint_inputs(walk.inputs, catalog, options);
  inputs.insert(linted.inputs.begin(), linted.inputs.end());
  cli::Baseline baseline;
  if (!baseline_file.empty()) {
    std::string error;
    if (!baseline.read(baseline_file, error, &inputs)) {
      cli::complain(error);
      return kExitUsage;
    }
  }
  std::vector<Target> targets;
  for (const OutputRequest& request : requests) {
    if (!request.file.empty()) targets.push_back({"--output", request.file});
  }
  if (!write_baseline_file.empty()) targets.push_back({"--write-baseline", write_baseline_file});
  if (!check_targets(targets, inputs)) return kExitUsage;

  report::Run run;
  run.catalog = &catalog;
  run.quiet = quiet;
  run.files = std::move(linted.files);
  run.root = cli::report_root(report_root).string();  // --root (issue 12)
  if (!run.root.empty()) {
    // What the folder walk saw is no link: the reports' paths need not ask the file system
    // again for each file (the walk is done with the inputs' names).
    run.not_links.reserve(walk.inputs.size() + walk.folders.size());
    for (cli::Input& input : walk.inputs) {
      if (input.listed_regular) run.not_links.insert(std::move(input.path));
    }
    for (std::string& folder : walk.folders) run.not_links.insert(std::move(folder));
  }
  run.include_suppressed = !no_suppressed;
  for (auto& [path, message] : walk.problems) run.notices.push_back({path, message});
  for (report::Notice& notice : linted.notices) run.notices.push_back(std::move(notice));

  if (!write_baseline_file.empty()) {
    std::string error;
    if (!cli::write_file(write_baseline_file, cli::Baseline::write(run), error)) {
      cli::complain(error);
      return kExitUsage;
    }
    size_t recorded = report::count(run).findings;
    cli::complain("recorded " + std::to_string(recorded) +
                  (recorded == 1 ? " finding" : " findings") + " in " + write_baseline_file);
    // Files that could not be read have no findings in the baseline: not a complete one.
    if (!run.notices.empty()) {
      size_t n = run.notices.size();
      cli::complain(std::to_string(n) + (n == 1 ? " path" : " paths") +
                    " could not be linted; the baseline does not record their findings");
      return kExitUsage;
    }
    return kExitClean;
  }
  if (!baseline_file.empty()) baseline.apply(run);

  auto report_started = std::chrono::steady_clock::now();
  int status = kExitClean;
  for (const OutputRequest& request : requests) {
    report::Writer writer = report::find_writer(request.format);
    run.color = false;
    if (request.file.empty()) {
      run.color = request.format == "text" && use_color(color, isatty(STDOUT_FILENO) != 0);
      // Streamed as it is written, through standard output's bounded buffer: never held whole.
      // Its write errors are reported once, at the end of main. A stream of its own, so that
      // every report starts from the default formatting.
      std::ostream out(std::cout.rdbuf());
      if (statistics) {
        // The counts replace the report on standard output; problems with paths still show.
        for (const report::Notice& notice : run.notices) {
          cli::complain(notice.path + ": " + notice.message);
        }
        write_statistics(run, out);
      } else {
        writer(run, out);
      }
    } else {
      // What the reports before wrote to standard output goes first: the file may be standard
      // output itself (-o /dev/stdout, /dev/stderr on the same terminal or log), where the tail
      // of a streamed report left in the buffer would come after this one, cut mid-line.
      std::cout.flush();
      std::string error;
      auto write = [&](std::ostream& out) { writer(run, out); };
      if (!cli::write_file(request.file, write, error)) {
        cli::complain(error);
        status = kExitUsage;
      }
    }
  }
  auto finished = std::chrono::steady_clock::now();

  if (stats) {
    rules::StageTimes total;
    for (const rules::FileResult& file : run.files) {
      total.load += file.times.load;
      total.graph += file.times.graph;
      total.rules += file.times.rules;
    }
    auto ms = [](double seconds) { return seconds * 1000.0; };
    double wall = std::chrono::duration<double>(finished - started).count();
    double report_time = std::chrono::duration<double>(finished - report_started).count();
    std::fprintf(stderr,
                 "stacklint --stats: %zu files, wall %.1f ms; cpu time by stage: load %.1f ms, "
                 "graph %.1f ms, rules %.1f ms, report %.1f ms\n",
                 run.files.size(), ms(wall), ms(total.load), ms(total.graph), ms(total.rules),
                 ms(report_time));
  }

  if (status != kExitClean) return status;
  // A path that is missing or could not be read, named or found in a folder: stacklint did not
  // do all it was asked, whatever it found in the rest.
  if (!run.notices.empty()) return kExitUsage;
  if (fail_level != "none") {
    rules::Severity threshold;
    rules::parse_severity(fail_level, threshold);
    for (const rules::FileResult& file : run.files) {
      for (const rules::Finding& finding : file.findings) {
        if (!finding.suppressed && finding.severity >= threshold) return kExitFindings;
      }
    }
  }
  return kExitClean;
}

}  // namespace

int main(int argc, char** argv) {
  stacklint::cli::guard_standard_streams();
  int status = kExitUsage;
  // Nothing that goes wrong around the linting (a folder deleted under the current directory,
  // memory exhausted) ends in an abort: it is an error message and exit 2.
  try {
    status = run(argc, argv);
  } catch (const std::exception& e) {
    stacklint::cli::complain(std::string("internal error: ") + e.what());
    return kExitUsage;
  }
  // Whatever the command (lint, rules, explain, graph, --help, --version): a report that did
  // not reach standard output is an error, never a success.
  std::string error;
  if (!stacklint::cli::flush_stdout(error)) {
    cli::complain(error);
    return kExitUsage;
  }
  return status;
}
