// The declarative check language of rules/*.yaml: conditions on one resource's properties.
#pragma once

#include <string>

#include "rules/check.h"

namespace stacklint::rules {

// Runs a rule's declarative `check` over every resource of its types.
void run_declarative_check(CheckContext& ctx);

// Problems in a declarative check (unknown operators, bad regular expressions, ...), for the
// catalogue's own tests; empty when the check is well formed.
std::vector<std::string> validate_declarative_check(const load::Node* check);

}  // namespace stacklint::rules
