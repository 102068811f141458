// T005 malformed-resource: a resource without a definition, without a string Type, or whose
// Properties are not a mapping. CloudFormation rejects the template.
#include "graph/value.h"
#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

std::string_view shape(const load::Node* node) {
  if (node->is_null()) return "empty";
  if (node->is_sequence()) return "a list";
  if (node->is_scalar()) return "a text";
  std::string_view fn = node->single_key();
  return fn == "Ref" || fn.starts_with("Fn::") ? "an intrinsic function" : "a mapping";
}

// A plain scalar (YAML) or a JSON number or boolean that the shared interpretation reads as a
// number or boolean: CloudFormation wants the type as a string (cfn-lint E3001).
std::optional<std::string_view> typed_scalar(const load::Node* node) {
  if (!node->is_scalar() || node->style != load::ScalarStyle::Plain) return std::nullopt;
  graph::Value value = graph::Value::literal(node);
  if (value.as_bool()) return "a boolean";
  if (value.as_number()) return "a number";
  return std::nullopt;
}

}  // namespace

STACKLINT_CHECK(T005) {
  if (ctx.shared<validity::Generated>(ctx.tmpl).opaque()) return;  // a macro may compute types
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    const load::Node* def = resource.node;
    if (!def->is_mapping()) {
      ctx.report(resource, def->is_null() ? resource.key : def,
                 "resource " + resource.id + " is " + std::string(shape(def)) +
                     ", not a mapping with a Type: CloudFormation rejects the template. Write "
                     "its Type (and Properties) under the logical id.");
      continue;
    }
    const load::Node* type = def->get("Type");
    if (type == nullptr) {
      ctx.report(resource, nullptr,
                 "resource " + resource.id +
                     " has no Type: CloudFormation rejects the template, as it cannot tell what "
                     "to create. Add Type: AWS::Service::Resource.",
                 "Type");
    } else if (std::optional<std::string_view> typed = typed_scalar(type);
               typed || !type->is_scalar()) {
      ctx.report(resource, type->is_null() ? def->key_node("Type") : type,
                 "the Type of " + resource.id + " is " + std::string(typed ? *typed : shape(type)) +
                     ", not a string: CloudFormation rejects the template, as a resource type "
                     "is written literally. Write it as Type: AWS::Service::Resource.",
                 "Type");
    }
    const load::Node* properties = def->get("Properties");
    if (properties != nullptr && !properties->is_mapping()) {
      ctx.report(resource, properties->is_null() ? def->key_node("Properties") : properties,
                 "the Properties of " + resource.id + " are " + std::string(shape(properties)) +
                     ", not a mapping of property names to values: CloudFormation rejects the "
                     "template. Write them as a mapping, or remove an empty Properties.",
                 "Properties");
    }
  }
}

}  // namespace stacklint::rules
