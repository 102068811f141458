// T100 unknown-resource-type: a resource Type that CloudFormation does not know.
#include <algorithm>

#include "rules/checks/T0_validity.h"
#include "rules/checks/spec_rules.h"

namespace stacklint::rules {

namespace {

constexpr std::string_view kSamTransform = "AWS::Serverless-2016-10-31";

// Reports the type with the closest known one, offered as a fix.
void report_type(CheckContext& ctx, const graph::Resource& resource, const load::Node* at,
                 std::string_view meant, std::string message) {
  message += meant.empty() ? " Check the type's spelling in the resource type reference."
                           : " Did you mean `" + std::string(meant) + "`?";
  Finding& finding = ctx.report(resource, at, std::move(message), "Type");
  if (meant.empty()) return;
  if (auto fix = specrules::replace_scalar(at, meant, "Replace with " + std::string(meant)))
    finding.fixes.push_back(std::move(*fix));
}

}  // namespace

STACKLINT_CHECK(T100) {
  // A macro may rewrite types, or define its own.
  if (specrules::rewrites(ctx).all()) return;
  // Declared, not inferred: validity::Generated reads AWS::Serverless::* types as meant for SAM,
  // but without the Transform line CloudFormation itself receives them, and rejects them.
  const std::vector<std::string>& transforms = ctx.tmpl.transforms();
  bool sam = std::find(transforms.begin(), transforms.end(), kSamTransform) != transforms.end();
  auto report = [&](const graph::Resource& resource, const load::Node* at, std::string_view meant,
                    std::string message) { report_type(ctx, resource, at, meant, message); };
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    const load::Text& type = resource.type;
    const load::Node* at = resource.node->is_mapping() ? resource.node->get("Type") : nullptr;
    if (type.empty() || at == nullptr || !at->is_scalar()) continue;  // T005's
    if (resource.node->get("Fn::Transform") != nullptr) continue;     // its macro's
    if (type.starts_with("AWS::Serverless::")) {
      bool known = specrules::is_sam_type(type);
      if (known && sam) continue;
      if (known) {
        ctx.report(resource, at,
                   type +
                       " is a SAM resource type, and this template does not declare the SAM "
                       "transform: CloudFormation rejects the unknown type. Add `Transform: " +
                       std::string(kSamTransform) + "` to the template.",
                   "Type");
        continue;
      }
      // Compared without the shared prefix, which would make any two names look alike.
      constexpr size_t kPrefix = std::string_view("AWS::Serverless::").size();
      std::vector<std::string_view> names;
      for (std::string_view known : specrules::sam_types()) names.push_back(known.substr(kPrefix));
      std::string_view name = validity::closest(std::string_view(type).substr(kPrefix), names);
      std::string meant = name.empty() ? "" : "AWS::Serverless::" + std::string(name);
      // SAM adds types between releases of any list: under its transform, only a near miss of
      // a known one is proven a typo.
      if (sam && meant.empty()) continue;
      report(resource, at, meant,
             type + " is not a SAM resource type, so " +
                 (sam ? "the SAM transform" : "CloudFormation") + " rejects the template.");
      continue;
    }
    if (specrules::outside_the_data(type) || spec::find_resource_type(type) != nullptr) continue;
    report(resource, at, spec::closest_resource_type(type),
           type +
               " is not a CloudFormation resource type, so CloudFormation rejects the "
               "template (\"Unrecognized resource types\").");
  }
}

}  // namespace stacklint::rules
