// T003 unknown-top-level-section: a top-level key CloudFormation does not know.
#include <algorithm>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

STACKLINT_CHECK(T003) {
  const std::vector<std::string_view> sections = {"AWSTemplateFormatVersion",
                                                  "Description",
                                                  "Metadata",
                                                  "Parameters",
                                                  "Rules",
                                                  "Mappings",
                                                  "Conditions",
                                                  "Transform",
                                                  "Resources",
                                                  "Outputs",
                                                  "Hooks"};
  const validity::Generated& generated = ctx.shared<validity::Generated>(ctx.tmpl);
  if (generated.opaque()) return;  // a macro may consume sections of its own
  for (const load::Pair& pair : ctx.tmpl.root()->pairs) {
    std::string_view name = pair.key->text;
    if (std::find(sections.begin(), sections.end(), name) != sections.end()) continue;
    if (generated.sam() && name == "Globals") continue;  // SAM's, removed by the transform
    std::string suggestion = validity::did_you_mean(name, sections);
    ctx.report_at(
        pair.key->range,
        "unknown top-level section " + pair.key->text + ": CloudFormation rejects the template." +
            (suggestion.empty() ? std::string(" Move its content into a known section (Metadata "
                                              "holds free-form data) or remove it.")
                                : suggestion),
        pair.key->text);
  }
}

}  // namespace stacklint::rules
