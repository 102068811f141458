// T101 unknown-property: a property that the resource type (or nested property type) does
// not have, at any depth; and a resource-level key CloudFormation does not read.
#include <unordered_set>

#include "rules/checks/T0_validity.h"
#include "rules/checks/spec_rules.h"

namespace stacklint::rules {

namespace {

// Resource-level keys: CloudFormation's, and those SAM reads under its transform.
void check_resource_keys(CheckContext& ctx, const graph::Resource& resource, bool sam) {
  if (!resource.node->is_mapping()) return;
  for (const load::Pair& pair : resource.node->pairs) {
    std::string_view key = pair.key->text;  // a std::string here would be a copy
    if (specrules::is_resource_attribute(key)) continue;
    if (sam && (key == "Connectors" || key == "IgnoreGlobals")) continue;
    std::string_view meant = specrules::resource_key_near_miss(resource, key);
    std::string message = resource.id + " has " + std::string(key) +
                          ", which is not a resource attribute: CloudFormation rejects the "
                          "template. A resource takes Type, Properties, DependsOn, Condition, "
                          "Metadata, DeletionPolicy, UpdateReplacePolicy, UpdatePolicy and "
                          "CreationPolicy.";
    if (!meant.empty()) message += " Did you mean " + std::string(meant) + "?";
    Finding& finding = ctx.report(resource, pair.key, std::move(message), key);
    if (!meant.empty()) {
      if (auto fix =
              specrules::replace_scalar(pair.key, meant, "Replace with " + std::string(meant)))
        finding.fixes.push_back(std::move(*fix));
    }
  }
}

}  // namespace

STACKLINT_CHECK(T101) {
  if (specrules::rewrites(ctx).all()) return;
  bool sam = ctx.shared<validity::Generated>(ctx.tmpl).sam();
  // A place written once but reached from several resources (a YAML alias) or branches is
  // reported once.
  std::unordered_set<const load::Node*> reported;
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    // SAM's types: the transform reads their keys, and drops what it does not know. A resource
    // with its own Fn::Transform is what its macro makes of it.
    bool transformed = resource.node->is_mapping() && resource.node->get("Fn::Transform");
    if (!resource.type.starts_with("AWS::Serverless::") && !transformed)
      check_resource_keys(ctx, resource, sam);
    const spec::ResourceType* type = specrules::checked_type(ctx, resource);
    if (type == nullptr) continue;
    for (const specrules::Object& object : specrules::objects(ctx).of(resource)) {
      for (const specrules::Key& key : specrules::keys_of(object)) {
        if (!specrules::is_unknown_key(object, *type, key)) continue;
        if (key.key != nullptr && !reported.insert(key.key).second) continue;
        std::string_view meant = object.set->closest(key.name);
        std::string where = specrules::describe(object, resource.type);
        std::string message = std::string(key.name) + " is not a property of " + where +
                              ": CloudFormation rejects the template.";
        message += meant.empty() ? " Its properties are listed in the resource type reference."
                                 : " Did you mean " + std::string(meant) + "?";
        Finding& finding =
            ctx.report(resource, key.key != nullptr ? key.key : object.mapping, std::move(message),
                       std::string(object.path) + "/" + std::string(key.name));
        if (!meant.empty() && key.key != nullptr) {
          if (auto fix =
                  specrules::replace_scalar(key.key, meant, "Replace with " + std::string(meant)))
            finding.fixes.push_back(std::move(*fix));
        }
      }
    }
  }
}

}  // namespace stacklint::rules
