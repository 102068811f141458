// Linked runs: the stacks of a declared environment (`stacklint --env NAME`), and a template
// with nested stacks, linted together so that values cross stack boundaries (graph/stack_set).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "cli/documents.h"
#include "cli/driver.h"
#include "graph/parameters.h"
#include "report/diagram.h"
#include "rules/catalog.h"
#include "rules/engine.h"

namespace stacklint::cli {

// A stack the run starts from: its template's path, its name (empty: unknown) and the values
// passed to its parameters as CloudFormation receives them (text).
struct RootStack {
  std::string path;
  std::string name;
  graph::ParameterValues parameters;  // each with where it is written
  // The template already read and loaded under `path` (optional): not read again.
  std::shared_ptr<const LoadedDocument> loaded;
};

// Lints the roots and every nested stack they reach through a local TemplateURL / Location
// (relative to the parent's folder; remote URLs stay unknown), as one linked set. `complete`:
// the roots are every stack of the deployment (T061). One FileResult per template file, in the
// order the files are first met; a file nested several times, or with several parameter sets,
// gets the findings of every instance, each once. Files that cannot be read are notices; a
// missing nested template is unknown and silent. The roots are read and loaded on
// `options.jobs` threads, the rest runs on one. With `cache`, templates
// are taken from and offered to the run's documents (see DocumentCache).
DriverResult lint_linked(const std::vector<RootStack>& roots, bool complete,
                         const rules::Catalog& catalog, const DriverOptions& options,
                         DocumentCache* cache = nullptr);

// The stacks of a linked run drawn together: a frame per stack (its name and file), with its
// findings highlighted, and edges for imports (exporting resource → importing resource) and
// nested stacks (the stack resource → the child's resources' frame). Unreadable roots are
// notices in `result`.
void draw_linked(const std::vector<RootStack>& roots, const rules::Catalog& catalog,
                 const report::DiagramOptions& options, std::vector<report::StackFrame>& frames,
                 std::vector<report::StackEdge>& links, DriverResult& result);

// Whether a template tree has a nested stack with a literal local TemplateURL or Location: the
// plain run links such a template with its children.
bool has_local_nested_stack(const load::Node* root);

// The environment's stacks as roots, paths relative to the configuration's folder: the
// parameters of its parameter files (read in order, the last value of a name winning), then its
// inline `parameters`. False with "file:line:column: what" in `error` when a parameter file
// cannot be read or is not one. Parameter files' identities go into `inputs`.
bool roots_of(const Config& config, const Environment& environment, std::vector<RootStack>& roots,
              std::string& error, std::set<FileId>* inputs = nullptr);

}  // namespace stacklint::cli
