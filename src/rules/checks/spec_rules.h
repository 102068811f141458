// Shared by the resource specification rules (T100-T102, T108): which resources the data
// checks, a walk over the objects a resource's properties are proven to be, and fixes.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/template.h"
#include "graph/value.h"
#include "rules/check.h"
#include "rules/checks/T0_validity.h"
#include "spec/spec.h"

namespace stacklint::rules::specrules {

// Resource types that exist without being in the data: custom resources, registry extensions
// (any namespace but AWS and Alexa), modules (::MODULE) and SAM's own types (their data in the
// specification is older than SAM: properties added since would be false errors).
bool outside_the_data(std::string_view type);

// SAM's resource types (AWS::Serverless::*), from the SAM specification: valid only under
// Transform AWS::Serverless-2016-10-31, which turns them into CloudFormation resources.
bool is_sam_type(std::string_view type);
const std::vector<std::string_view>& sam_types();

// Whether a macro may rewrite the template's resources, so that nothing written there is
// proven: a Transform other than SAM's, AWS::LanguageExtensions and AWS::Include (which only
// inserts snippets), an Fn::Transform at the top level or among the resources, or a Rain
// preprocessor directive anywhere. An Fn::Transform elsewhere makes only its own mapping
// unknown (see generated_key, and checked_type for a resource-level one).
class Rewrites {
 public:
  // `generated`: the template's, whose walk of the whole tree found any Rain directive.
  Rewrites(const graph::Template& tmpl, const validity::Generated& generated);
  bool all() const { return all_; }

 private:
  bool all_ = false;
};

// The template's Rewrites, computed once (shared by every rule's context).
const Rewrites& rewrites(CheckContext& ctx);

// The resource's type in the data, when the rules check it: nullptr for types outside the
// data, for a resource with its own Fn::Transform, and for every resource of a template a macro
// may rewrite (Rewrites::all).
const spec::ResourceType* checked_type(CheckContext& ctx, const graph::Resource& resource);

// One object that a resource's properties are proven to hold at some path: a mapping written in
// place (`mapping`, with `literal`), or an alternative of a value the resolver gave (`value`, a
// Map; `mapping` is then where it is written, when it is).
// A written key of an object, with where it is written (null when it is not) and the property
// of the object's type it names (null when none).
struct Key {
  std::string_view name;
  const load::Node* key;
  const load::Node* value;
  const spec::Property* property = nullptr;
};

struct Object {
  const spec::PropertySet* set;
  const load::Node* mapping = nullptr;
  const graph::Value* value = nullptr;
  // Valid during the visit only (the walk reuses its buffers), or as long as Objects.
  std::string_view path;    // under the resource: "Properties/VersioningConfiguration"
  std::string_view dotted;  // the same as a property path: "VersioningConfiguration", "A.*.B"
  bool literal = false;     // written as a mapping here, not reached through an intrinsic function
  // Its written keys: the mapping's, or the value's fields (empty during the visit; filled by
  // Objects, and valid as long as it), so that the rules that read them list them only once.
  std::span<const Key> keys;
};

// Appends `separator` and `segment` (a name or a list index) to a path buffer, and takes them
// off again when it goes out of scope: the walks keep one buffer instead of a string per node.
class PathSegment {
 public:
  PathSegment(std::string& path, std::string_view separator, std::string_view segment);
  PathSegment(std::string& path, std::string_view separator, size_t index);
  ~PathSegment() { path_.resize(size_); }
  PathSegment(const PathSegment&) = delete;
  PathSegment& operator=(const PathSegment&) = delete;

 private:
  std::string& path_;
  size_t size_;
};

// Every resource's objects: for each resource, the objects in its Properties (itself first,
// then nested property types in lists, maps and objects, in written order). Free-form values
// (Json, Map keys, unions it cannot tell apart) and values the template does not prove are
// skipped. Walked once per template, linear in the Properties plus one resolution per intrinsic
// function met, and kept for the rules that read them (T101, T102, the value checks,
// NearMisses). Resources outside the data, or without Properties, have none. Everything the
// objects point to lives as long as this fact.
class Objects {
 public:
  Objects(const graph::Template& tmpl, const graph::Resolver& resolver);
  // The objects of a resource of the template (a reference into tmpl.resources()).
  std::span<const Object> of(const graph::Resource& resource) const;
  // The resource's type in the data (null for types outside it), looked up once per resource.
  const spec::ResourceType* type_of(const graph::Resource& resource) const;

 private:
  const graph::Resource* resources_;
  std::vector<std::pair<size_t, size_t>> ranges_;  // per resource: its objects' [first, last)
  std::vector<const spec::ResourceType*> types_;   // per resource
  std::vector<Object> objects_;
  std::vector<Key> keys_;              // the objects' keys, one object after the other
  std::deque<graph::Value> resolved_;  // what the resolver gave, where objects point into
  std::string paths_;                  // the objects' path and dotted texts
};

// The template's Objects, computed once (shared by every rule's context).
const Objects& objects(CheckContext& ctx);

// How messages name an object: the resource type at the top, else its path with its property
// type ("LifecycleConfiguration.Rules[] (Rule)").
std::string describe(const Object& object, std::string_view resource_type);

// A key that a transform expands: Fn::ForEach (AWS::LanguageExtensions) or a name with a loop
// placeholder (${Name}, &{Name}), or an Fn::Transform merging a snippet into its mapping. What
// the mapping's keys become is known only after the transform.
bool generated_key(std::string_view key);
// Whether an object's mapping has such a key, so that its final keys are not known.
bool has_generated_keys(const Object& object);

// The written keys of an object (Object::keys), listed once when Objects walks the template.
inline std::span<const Key> keys_of(const Object& object) {
  return object.keys;
}

// A fix that replaces a scalar's text (keeping it quoted if it is), when its range is exactly
// the text (or the text in quotes), so that the edit is certain.
std::optional<Fix> replace_scalar(const load::Node* scalar, std::string_view replacement,
                                  std::string title);
// A fix replacing `length` characters at `offset` within a plain one-line scalar.
std::optional<Fix> replace_inside(const load::Node* scalar, size_t offset, size_t length,
                                  std::string_view replacement, std::string title);

// The resource-level keys CloudFormation reads (Type, Properties, DependsOn, ...).
const std::vector<std::string_view>& resource_attributes();
bool is_resource_attribute(std::string_view key);

// Whether a written key of an object is one T101 reports: not a property of its type, not
// written by Fn::ForEach, and not a read-only property of the resource.
bool is_unknown_key(const Object& object, const spec::ResourceType& type, std::string_view key);
bool is_unknown_key(const Object& object, const spec::ResourceType& type, const Key& key);
// The resource attribute (DeletionPolicy, ...) a resource-level key most likely means, or empty
// when the key is one, or when T101 does not judge the resource's keys (SAM's types).
std::string_view resource_key_near_miss(const graph::Resource& resource, std::string_view key);

// Unknown names that are near misses of known ones, per resource: what T101 reports as "did you
// mean". A rule that would say a property or resource attribute is missing first asks
// covers(): when it was most likely written misspelled, the rule stays silent and leaves the
// finding to T101 (declarative rules through the `property`, `attribute` and `report-at` paths
// of their check; graph checks through the path of their finding, see
// drop_near_miss_findings). Empty for a template a macro rewrites (T101 is silent there).
class NearMisses {
 public:
  NearMisses(const graph::Template& tmpl, const Objects& objects, bool opaque);
  // Whether `path` ("VersioningConfiguration.Status", "Properties/VersioningConfiguration/0",
  // "LifecycleConfiguration.Rules.*.Status", "@DeletionPolicy" for a resource attribute) on
  // this resource names, or lies under, a name written misspelled.
  bool covers(std::string_view resource, std::string_view path) const;
  // Whether this resource writes any name misspelled (covers() is false for it otherwise).
  bool any(std::string_view resource) const { return meant_.count(resource) != 0; }

 private:
  // Per resource id, the paths meant: "VersioningConfiguration", "Rules.*.Status",
  // "@DeletionPolicy".
  std::unordered_map<std::string_view, std::vector<std::string>> meant_;
};

// The template's NearMisses, computed once (shared by every rule's context).
const NearMisses& near_misses(CheckContext& ctx);

// Drops findings of the architecture rules (every rule but T*) whose path names a property that
// NearMisses covers. Called by the engine after every rule ran.
void drop_near_miss_findings(CheckContext& ctx, std::vector<Finding>& findings, size_t first);

}  // namespace stacklint::rules::specrules
