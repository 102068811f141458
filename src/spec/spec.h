// spec: AWS's published CloudFormation resource specification, compiled into the binary.
//
// The data (src/spec/data/spec.jsonl, written by tools/update-spec.sh) merges the npm package
// @aws-cdk/aws-service-spec (resource types, properties, nested property types, required flags,
// GetAtt attributes, documentation) with the CloudFormation registry schemas that cfn-lint
// bundles (enum, pattern, minimum/maximum, minLength/maxLength, minItems/maxItems, required
// properties and groups of alternatives, read-only attributes). The build compiles it
// (tools/compile_spec.cpp, the form of compiled.h); nothing is decoded at start-up: the first
// lookup indexes the type names, and each resource type is decoded on its first lookup and kept
// for the process's life, so every pointer and string_view handed out here stays valid until
// exit. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stacklint::spec {

// What a property's value must be. Json takes a mapping or a string (a JSON document);
// Timestamp is an ISO 8601 date-time string; Any is what the data does not describe.
enum class Kind : uint8_t {
  String,
  Integer,
  Number,
  Boolean,
  Json,
  Timestamp,
  List,
  Map,
  Object,
  Union,
  Any,
};

std::string_view to_string(Kind kind);

// The registry schema's constraints on one value (for a list: on the list itself, items and
// their constraints are the element's). Only what the data states is set.
struct Constraints {
  std::vector<std::string_view> allowed;   // enum: the allowed values, exactly as written
  std::string_view pattern;                // ECMA-262 regular expression as in the schema; empty
  std::optional<double> minimum, maximum;  // numbers, inclusive
  std::optional<uint64_t> min_length, max_length;  // strings, in characters
  std::optional<uint64_t> min_items, max_items;    // lists
  bool empty() const {
    return allowed.empty() && pattern.empty() && !minimum && !maximum && !min_length &&
           !max_length && !min_items && !max_items;
  }
};

class PropertySet;

// The shape of a value. element: for List and Map, the items' / values' shape (never null
// there). object: for Object, its properties (a nested property type, or Tag's Key/Value).
// alternatives: for Union, each accepted shape (also used when the type of a property changed
// and both the current and earlier types are accepted). constraints(): the registry's, empty
// when it states none (most shapes: kept apart so that a shape stays small).
struct Shape {
  Kind kind = Kind::Any;
  const Shape* element = nullptr;
  const PropertySet* object = nullptr;
  std::vector<Shape> alternatives;
  const Constraints* constrained = nullptr;  // null: none
  const Constraints& constraints() const;
};

struct Property {
  std::string_view name;
  Shape shape;
  bool required = false;
  std::string_view documentation;  // Markdown, from the CloudFormation user guide
  const Constraints& constraints() const { return shape.constraints(); }
};

// The properties of a resource type or of a nested property type, sorted by name.
class PropertySet {
 public:
  std::string_view name;           // "AWS::S3::Bucket" or "VersioningConfiguration"
  std::string_view documentation;  // of the property type, when it is one

  // The property with exactly this name (case-sensitive, as CloudFormation is), or null.
  const Property* find(std::string_view property) const;
  std::span<const Property> all() const { return properties_; }
  // The known property closest to `property` when it is close enough to be a likely typo
  // ("VersioningConfig" -> "VersioningConfiguration"), else empty.
  std::string_view closest(std::string_view property) const;

  std::vector<Property> properties_;  // filled by the loader; sorted by name
  // The registry schema's alternatives (anyOf/oneOf of `required`): for each entry, all the
  // properties of at least one of its sets must be written, e.g. AWS::IAM::Policy's
  // {{"Users"}, {"Groups"}, {"Roles"}}.
  std::vector<std::vector<std::vector<std::string_view>>> required_any;
};

struct Attribute {
  std::string_view name;  // as Fn::GetAtt takes it: "Arn", "Endpoint.Address"
  Shape shape;
};

struct ResourceType {
  std::string_view name;  // "AWS::S3::Bucket"
  std::string_view documentation;
  PropertySet properties;
  std::vector<Attribute> attributes;  // sorted by name
  // A SAM type (AWS::Serverless::*): only valid under Transform AWS::Serverless-2016-10-31.
  bool sam = false;

  const Attribute* attribute(std::string_view name) const;
};

// The resource type with exactly this name, or null when the data does not have it.
const ResourceType* find_resource_type(std::string_view name);
// The known type closest to `name` when close enough to be a likely typo ("AWS::S3::Bukket"
// -> "AWS::S3::Bucket"; case differences count little), else empty.
std::string_view closest_resource_type(std::string_view name);
// Every type name in the data, sorted.
std::span<const std::string_view> resource_type_names();

// ASCII case folding ('A'-'Z' to 'a'-'z', every other byte as it is): names and allowed values
// are compared this way, without a locale call per character (stacklint never sets a locale).
inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Optimal string alignment distance (insertions, deletions, substitutions and swaps of
// neighbours each cost one; ASCII case differences cost nothing), or limit + 1 once it is sure
// to exceed `limit`. The "did you mean" measure of the suggestions here and of the rules.
size_t edit_distance_within(std::string_view a, std::string_view b, size_t limit);

// Where the data came from, as stamped by tools/update-spec.sh
// ("@aws-cdk/aws-service-spec 0.1.216; cfn-lint 1.51.0 registry schemas (us-east-1)").
std::string_view data_source();

}  // namespace stacklint::spec
