// T102 missing-required-property: a property the resource type (or a nested property type)
// requires is not written, at any depth.
#include <unordered_set>

#include "rules/checks/spec_rules.h"

namespace stacklint::rules {

namespace {

// Whether a written value is proven to be no value: AWS::NoValue, in every branch.
bool removed(const graph::Resolver& resolver, const load::Node* value) {
  if (value == nullptr || !value->is_mapping() || value->pairs.size() != 1) return false;
  std::string_view fn = value->single_key();
  if (fn != "Ref" && fn != "Fn::If") return false;
  graph::Value resolved = resolver.resolve(value);
  for (const graph::Value& alternative : resolved.alternatives()) {
    if (!alternative.is_absent()) return false;
  }
  return true;
}

}  // namespace

STACKLINT_CHECK(T102) {
  // A place written once but reached from several resources (a YAML alias) or branches is
  // reported once.
  std::unordered_set<const load::Node*> checked;
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    const spec::ResourceType* type = specrules::checked_type(ctx, resource);
    if (type == nullptr) continue;
    auto required = [](const spec::PropertySet& set) {
      std::vector<const spec::Property*> out;
      for (const spec::Property& property : set.all()) {
        if (property.required) out.push_back(&property);
      }
      return out;
    };
    if (resource.properties == nullptr) {
      std::vector<const spec::Property*> missing = required(type->properties);
      if (missing.empty()) continue;
      std::string names;
      for (const spec::Property* property : missing)
        names += (names.empty() ? "" : ", ") + std::string(property->name);
      const load::Node* at =
          resource.node->is_mapping() ? resource.node->key_node("Type") : nullptr;
      ctx.report(resource, at,
                 resource.id + " has no Properties, and " + resource.type + " requires " + names +
                     ": CloudFormation rejects the template. Add Properties with " +
                     (missing.size() == 1 ? "it." : "them."),
                 "Properties");
      continue;
    }
    specrules::for_each_object(ctx.resolver, resource, *type, [&](const specrules::Object& object) {
      // Only objects written as a mapping (in place, or as an Fn::If alternative), and only keys
      // the mapping lacks in every branch: a key that Fn::If removes in one branch alone is
      // missing only when the template does not prove which branch CloudFormation takes.
      if (object.mapping == nullptr || !checked.insert(object.mapping).second) return;
      if (specrules::has_generated_keys(object)) return;  // a loop may write what is missing
      std::vector<std::string> missing;
      for (const spec::Property* property : required(*object.set)) {
        const load::Node* value = object.mapping->get(property->name);
        if (value != nullptr && !removed(ctx.resolver, value)) continue;
        // A near miss is T101's: "did you mean" says more than "missing".
        bool misspelled = false;
        for (const load::Pair& pair : object.mapping->pairs) {
          if (object.set->find(pair.key->text) == nullptr &&
              specrules::near_miss(*object.set, pair.key->text) == property->name)
            misspelled = true;
        }
        if (!misspelled) missing.emplace_back(property->name);
      }
      if (missing.empty()) return;
      std::string names;
      for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
      std::string where = specrules::describe(object, resource.type);
      const load::Node* at = object.mapping;
      if (object.dotted.empty()) {
        at = resource.node->key_node("Properties");
      } else if (!object.mapping->pairs.empty()) {
        at = object.mapping->pairs.front().key;
      }
      ctx.report(resource, at,
                 where + " requires " + names + ", which " + (missing.size() == 1 ? "is" : "are") +
                     " not written: CloudFormation rejects the template.",
                 object.path);
    });
  }
}

}  // namespace stacklint::rules
