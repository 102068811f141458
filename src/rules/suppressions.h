// Suppressions written in the template: stacklint's own (resource and template Metadata, inline
// YAML comments) and other tools' (cfn-lint, cfn_nag, checkov, cfn-guard), mapped through each
// rule's `equivalents`. A step of its own, run after the rules on the same tree.
#pragma once

#include <vector>

#include "graph/template.h"
#include "load/source.h"
#include "rules/catalog.h"
#include "rules/engine.h"
#include "rules/rule.h"

namespace stacklint::rules {

// Marks the findings that a suppression covers, and adds a T090 finding for each of stacklint's
// own suppressions that covers nothing (other tools' suppressions may still serve their tool).
void apply_suppressions(const load::Source& source, const graph::Template& tmpl,
                        const Catalog& catalog, const LintOptions& options,
                        std::vector<Finding>& findings);

}  // namespace stacklint::rules
