// cli: --parameter-file and --parameter, read into the values supplied to every linted template.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/files.h"
#include "graph/parameters.h"

namespace stacklint::cli {

// Reads the parameter files in order, then applies the NAME=VALUE assignments: a later file
// replaces an earlier one's value, and an assignment replaces any file's. Null when neither was
// given. On a malformed file or assignment: null, and `error` says where ("p.json:3:5: ...").
// Files read are added to `inputs` (never written to).
std::shared_ptr<const graph::ParameterValues> read_parameters(
    const std::vector<std::string>& files, const std::vector<std::string>& assignments,
    std::string& error, std::set<FileId>* inputs);

}  // namespace stacklint::cli
