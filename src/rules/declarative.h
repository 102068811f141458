// The declarative check language of rules/*.yaml: conditions on one resource's properties.
#pragma once

#include <string>
#include <vector>

#include "rules/check.h"

namespace stacklint::rules {

// Runs a rule's declarative `check` over every resource of its types.
void run_declarative_check(CheckContext& ctx);

// A problem in a rule file's `check`, at the node it is about.
struct CheckProblem {
  load::Position at;
  std::string message;
};

// Problems in a declarative check: unknown keys (with the closest known one), wrong types,
// regular expressions RE2 cannot compile, malformed property paths. Empty when the check is
// well formed. The catalogue runs it on every rule file, built-in or from a rule directory.
std::vector<CheckProblem> validate_declarative_check(const load::Node* check);

}  // namespace stacklint::rules
