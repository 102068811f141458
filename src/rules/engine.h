// Runs the selected rules over one template: load → graph → rules, with timings per stage.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "graph/parameters.h"
#include "graph/stack_set.h"
#include "load/loader.h"
#include "rules/catalog.h"
#include "rules/rule.h"

namespace stacklint::rules {

struct Selection {
  std::set<std::string> select;  // ids or names; empty means every rule
  std::set<std::string> ignore;
  std::map<std::string, std::string> severity;  // id → "error" | "warning" | "info" | "off"

  bool enabled(const RuleInfo& rule) const;
  Severity severity_of(const RuleInfo& rule) const;
};

struct StageTimes {
  double load = 0, graph = 0, rules = 0;  // seconds
};

struct FileResult {
  std::shared_ptr<const load::Source> source;
  std::vector<Finding> findings;  // sorted by position, then rule
  // True when the file was found by walking a directory and is clearly not a template.
  bool skipped = false;
  StageTimes times;
};

struct LintOptions {
  Selection selection;
  // Files met in a directory walk are skipped silently when they are clearly not templates.
  bool skip_non_templates = false;
  // Honor other tools' suppressions (cfn-lint, cfn_nag, checkov, cfn-guard) for equivalent rules.
  bool foreign_suppressions = true;
  load::Limits limits;
  // Values supplied for the template's parameters (--parameter-file, --parameter); they replace
  // the Defaults and rules T050-T052 check them. Null: none supplied.
  std::shared_ptr<const graph::ParameterValues> parameters;
};

FileResult lint(std::shared_ptr<const load::Source> source, const Catalog& catalog,
                const LintOptions& options);
// The same for a file already loaded from `source` (for callers that keep the tree, such as
// `stacklint graph`); times.load is left at zero.
FileResult lint_loaded(std::shared_ptr<const load::Source> source, const load::Loaded& loaded,
                       const Catalog& catalog, const LintOptions& options);

// Whether a loaded file is a template whose graph can be built (no load error, a mapping with
// a Resources mapping): what lint_loaded reports T001 for otherwise.
bool is_template_tree(const load::Loaded& loaded);

// What a stack of a linked run found: findings in the stack's own file, and those that point
// at another stack's file (a rule that follows a value across stacks), by that file.
struct StackResult {
  FileResult own;
  std::vector<std::pair<std::string, Finding>> elsewhere;
};

// Lints one stack of a linked run (graph/stack_set.h): the rules read its values across the
// set's stacks. Related locations in other files name their file (Related::file); T060
// (duplicate-export) and T061 (import-not-exported) come from the set. `loaded` must pass
// is_template_tree and hold the stack's template tree.
StackResult lint_stack(std::shared_ptr<const load::Source> source, const load::Loaded& loaded,
                       const graph::StackSet& set, const graph::Stack& stack,
                       const Catalog& catalog, const LintOptions& options);

// Orders findings by line, column, rule id, then message: the order of every output.
void sort_findings(std::vector<Finding>& findings);

}  // namespace stacklint::rules
