// `stacklint graph FILE --format dot|mermaid|svg`: the template drawn by VPC and AZ.
#pragma once

#include <string>

#include "report/diagram.h"
#include "rules/catalog.h"

namespace stacklint::cli {

struct GraphCommandOptions {
  std::string path;
  std::string format = "dot";  // dot, mermaid, svg
  std::string output;          // empty: standard output
  report::DiagramOptions diagram;
};

// Returns the exit status: 0, or 2 when the file cannot be read or drawn.
int run_graph_command(const GraphCommandOptions& options, const rules::Catalog& catalog);

}  // namespace stacklint::cli
