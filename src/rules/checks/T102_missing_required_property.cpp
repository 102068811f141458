// T102 missing-required-property: a property the resource type (or a nested property type)
// requires is not written, at any depth.
#include <algorithm>
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
  // reported once. Most templates reach each mapping once: the set of those checked is kept
  // only when some mapping is reached twice (found first, with one sorted list of them, instead
  // of a hash set node per object).
  std::vector<const load::Node*> reached;
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    if (resource.properties == nullptr || specrules::checked_type(ctx, resource) == nullptr)
      continue;
    for (const specrules::Object& object : specrules::objects(ctx).of(resource)) {
      if (object.mapping != nullptr) reached.push_back(object.mapping);
    }
  }
  std::sort(reached.begin(), reached.end());
  bool reached_twice = std::adjacent_find(reached.begin(), reached.end()) != reached.end();
  std::unordered_set<const load::Node*> checked;
  // Reused from one object to the next.
  std::vector<std::string_view> meant;
  std::vector<std::string> missing;
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
    auto check_object = [&](const specrules::Object& object) {
      // Only objects written as a mapping (in place, or as an Fn::If alternative), and only keys
      // the mapping lacks in every branch: a key that Fn::If removes in one branch alone is
      // missing only when the template does not prove which branch CloudFormation takes.
      if (object.mapping == nullptr) return;
      if (reached_twice && !checked.insert(object.mapping).second) return;
      // Most objects' types require nothing: asked before any list is built.
      std::span<const spec::Property> all = object.set->all();
      if (object.set->required_any.empty() &&
          std::none_of(all.begin(), all.end(), [](const spec::Property& p) { return p.required; }))
        return;
      if (specrules::has_generated_keys(object)) return;  // a loop may write what is missing
      // A required property written misspelled is T101's: "did you mean" says more.
      meant.clear();
      if (object.literal) {
        // The mapping's own keys, each with the property the objects walk found for it.
        for (const specrules::Key& key : specrules::keys_of(object)) {
          if (specrules::is_unknown_key(object, *type, key))
            meant.push_back(object.set->closest(key.name));
        }
      } else {
        for (const load::Pair& pair : object.mapping->pairs) {
          if (specrules::is_unknown_key(object, *type, pair.key->text))
            meant.push_back(object.set->closest(pair.key->text));
        }
      }
      missing.clear();
      for (const spec::Property& property : all) {
        if (!property.required) continue;
        const load::Node* value = object.mapping->get(property.name);
        if (value != nullptr && !removed(ctx.resolver, value)) continue;
        if (std::find(meant.begin(), meant.end(), property.name) == meant.end())
          missing.emplace_back(property.name);
      }
      // One of several sets (the registry's anyOf/oneOf): reported when no set is written.
      auto written = [&](std::string_view name) {
        const load::Node* value = object.mapping->get(name);
        return value != nullptr && !removed(ctx.resolver, value);
      };
      for (const auto& alternatives : object.set->required_any) {
        bool met = false, meant_one = false;
        std::vector<std::string> options;
        for (const std::vector<std::string_view>& names : alternatives) {
          met = met || std::all_of(names.begin(), names.end(), written);
          std::string option;
          for (std::string_view name : names) {
            option += (option.empty() ? "" : " with ") + std::string(name);
            meant_one = meant_one || std::find(meant.begin(), meant.end(), name) != meant.end();
          }
          options.push_back(std::move(option));
        }
        if (met || meant_one || options.empty()) continue;
        std::string either = "one of " + options[0];
        for (size_t i = 1; i < options.size(); ++i)
          either += (i + 1 == options.size() ? " or " : ", ") + options[i];
        missing.push_back(std::move(either));
      }
      if (missing.empty()) return;
      std::string names;
      for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
      std::string where = specrules::describe(object, resource.type);
      const load::Node* at = object.mapping;
      if (object.dotted.empty() && object.mapping == resource.properties) {
        at = resource.node->key_node("Properties");
      } else if (!object.mapping->pairs.empty()) {
        at = object.mapping->pairs.front().key;
      }
      ctx.report(resource, at,
                 where + " requires " + names + ", and the template does not write " +
                     (missing.size() == 1 ? "it" : "them") +
                     ": CloudFormation rejects the template.",
                 std::string(object.path));
    };
    for (const specrules::Object& object : specrules::objects(ctx).of(resource))
      check_object(object);
  }
}

}  // namespace stacklint::rules
