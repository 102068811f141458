// `stacklint rules` and `stacklint explain`: the catalogue as people and tools read it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "rules/catalog.h"

namespace stacklint::cli {

// format: "text", "json", "markdown" (the README's rule table) or "docs" (docs/rules.md).
bool write_catalog(const rules::Catalog& catalog, std::string_view format, std::ostream& out);
// Where a rule comes from: "built-in", or the path of its file in a rule directory.
std::string origin(const rules::RuleInfo& rule);
void write_explanation(const rules::RuleInfo& rule, std::ostream& out);

}  // namespace stacklint::cli
