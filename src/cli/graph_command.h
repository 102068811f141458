// `stacklint graph FILE --format dot|mermaid|svg`: the template drawn by VPC and AZ.
#pragma once

#include <set>
#include <string>

#include "cli/config.h"
#include "cli/files.h"
#include "report/diagram.h"
#include "rules/catalog.h"

namespace stacklint::cli {

struct GraphCommandOptions {
  std::string path;
  std::string format = "dot";  // dot, mermaid, svg
  std::string output;          // empty: standard output
  report::DiagramOptions diagram;
  std::string environment;  // --env: the declared environment's stacks, drawn together
};

// Returns the exit status: 0, or 2 when the file cannot be read or drawn, or when --output
// names the template or another input (`inputs`: the configuration and rule files read).
int run_graph_command(const GraphCommandOptions& options, const rules::Catalog& catalog,
                      std::set<FileId> inputs, const Config& config);

}  // namespace stacklint::cli
