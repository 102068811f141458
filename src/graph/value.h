// What the template proves about a value: the resolver's answer to "what is this property?".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/node.h"

namespace stacklint::graph {

class Stack;           // a template linked into a run (graph/stack_set.h)
struct SuppliedValue;  // graph/parameters.h

enum class ValueKind : uint8_t {
  Unknown,  // the template does not prove what it is (a parameter without default, ...)
  Absent,   // no value: the property is missing, or AWS::NoValue
  Null,
  Scalar,  // text; numbers and booleans too, as CloudFormation accepts "true" and true; a
           // YAML 1.1 boolean word written plainly (Yes, off) is stored as "true"/"false"
  List,
  Map,
  AvailabilityZone,   // the region's AZ #index: Fn::Select [index, Fn::GetAZs region]
  AvailabilityZones,  // Fn::GetAZs region: all of a region's AZs, unnamed
  ResourceRef,        // Ref or Fn::GetAtt of a resource in the template
  Choice,             // one of several values (the branches of Fn::If)
};

// What kind of value CloudFormation hands to the resource, as far as the template proves it; known
// even when the value itself is not (a Ref to a Number parameter without a default is some
// number, Fn::Split some list). Value::shape gives it; the rules compare it with the resource
// specification's types.
enum class ValueShape : uint8_t {
  Unknown,  // not proven (an import, a dynamic reference, a mapping entry of mixed kinds)
  Absent,   // no value (AWS::NoValue)
  Null,
  String,
  Number,
  Boolean,
  List,
  Map,
};

// "a string", "a number", "a list", ... for messages.
std::string_view describe(ValueShape shape);

class Value {
 public:
  ValueKind kind = ValueKind::Unknown;
  // The shape of an Unknown value when the function that made it proves one (Fn::Join: a
  // string; a Ref to a List<...> parameter without default: a list). For a Scalar, the type it
  // is known to have beyond its text (a Number parameter's default); Unknown otherwise.
  ValueShape hint = ValueShape::Unknown;
  std::string text;          // Scalar: the text; ResourceRef: the logical id; AZ(s): the region
                             // ("" for the stack's own region)
  std::string attribute;     // ResourceRef: the Fn::GetAtt attribute, empty for Ref
  int64_t index = 0;         // AvailabilityZone
  std::vector<Value> items;  // List: the items; Choice: the alternatives
  std::vector<std::pair<std::string, Value>> fields;  // Map
  const load::Node* node = nullptr;                   // where it is written, when it is
  // When the value is a parameter's (node is then its Default, or for a supplied value the Ref
  // that read it): the parameter's logical id as written in Parameters, the Ref that read it,
  // and the supplied value when one replaced the Default. Null otherwise, and for values
  // assembled from several sources (Fn::Join, Fn::Sub).
  const load::Node* parameter = nullptr;
  const load::Node* reference = nullptr;
  // Null for a value of the template being resolved. Set on a value that crossed a stack
  // boundary (Fn::ImportValue, a nested stack's output, a parameter its parent passes): `node`
  // is in that stack's file, and a ResourceRef names a resource of that stack's template.
  const Stack* origin = nullptr;
  const SuppliedValue* supplied = nullptr;

  // Declared here, defaulted after the class: `fields` holds pairs with a Value, and clang with
  // libstdc++ cannot instantiate their destructor while Value is still incomplete.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  static Value unknown(const load::Node* at = nullptr);
  static Value absent(const load::Node* at = nullptr);
  static Value scalar(std::string text, const load::Node* at = nullptr);
  // A scalar as written in a template, typed as CloudFormation types it (see value.cpp):
  // plain YAML 1.1 boolean words become "true"/"false"; quoted text stays text; a dynamic
  // reference ({{resolve:...}}) or a plain number in a YAML 1.1-only notation is Unknown.
  static Value literal(const load::Node* scalar);
  static Value resource_ref(std::string id, std::string attribute, const load::Node* at);
  static Value availability_zone(std::string region, int64_t index, const load::Node* at);

  bool is_unknown() const { return kind == ValueKind::Unknown; }
  bool is_absent() const { return kind == ValueKind::Absent; }
  bool is_choice() const { return kind == ValueKind::Choice; }
  // Unknown, or a choice with an unknown alternative.
  bool has_unknown() const;

  // What kind of value this is (see ValueShape): a plain scalar as written (30 a number, Yes
  // and true a boolean, quoted text a string), text built by Fn::Join or Fn::Sub a string, a
  // Ref to a resource a string, an AZ list a list, an Unknown value its hint. A choice, and a
  // Fn::GetAtt (typed by the resource specification, which the graph does not know), are
  // Unknown: look at the alternatives.
  ValueShape shape() const;

  // The alternatives of a choice, or this value alone.
  std::span<const Value> alternatives() const;

  // A map's field; Absent when a map lacks it; Unknown when this is not known to be a map.
  // Distributes over a choice.
  Value get(std::string_view key) const;
  // A dotted path of fields, e.g. "VersioningConfiguration.Status".
  Value at_path(std::string_view path) const;

  // The one interpretation of a scalar that every rule uses. as_bool: "true"/"false" in any
  // case (CloudFormation takes the strings for boolean properties; plain Yes/On/... were made
  // "true"/"false" by `literal`), else nullopt. as_number: a decimal number, possibly written
  // as a string ("20", "-1", "0.5", "1e3"), else nullopt (no hex, inf, nan or spaces).
  std::optional<bool> as_bool() const;
  std::optional<double> as_number() const;
  std::optional<std::string_view> as_string() const;

 private:
  static Value make(ValueKind kind, const load::Node* at);
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

inline Value Value::make(ValueKind kind, const load::Node* at) {
  Value v;
  v.kind = kind;
  v.node = at;
  return v;
}
inline Value Value::unknown(const load::Node* at) {
  return make(ValueKind::Unknown, at);
}
inline Value Value::absent(const load::Node* at) {
  return make(ValueKind::Absent, at);
}
// An Unknown value of a known shape.
inline Value unknown_shaped(ValueShape shape, const load::Node* at) {
  Value v = Value::unknown(at);
  v.hint = shape;
  return v;
}

// Makes a choice from alternatives: flattens nested choices, drops duplicates, and gives up
// (Unknown) past a small bound, so that no combination of conditions costs exponential time.
Value make_choice(std::vector<Value> alternatives, const load::Node* at);
constexpr size_t kMaxAlternatives = 16;

// The longest string the resolver builds (Fn::Join, Fn::Sub); longer is Unknown. CloudFormation
// takes templates of at most 1 MB, so only repetition (aliases, fan-out) gets past this.
constexpr size_t kMaxStringLength = 1024 * 1024;

// The YAML 1.1 boolean words that CloudFormation reads as booleans when written plainly (yes,
// No, ON, off, True, ...; not y/n): their value, or nullopt for any other text.
std::optional<bool> yaml11_boolean(std::string_view text);

// `text` holds a dynamic reference ({{resolve:ssm:...}}, {{resolve:ssm-secure:...}},
// {{resolve:secretsmanager:...}}): CloudFormation replaces it at deploy time.
bool has_dynamic_reference(std::string_view text);

// The parameter value that decides a value: set when the value (not a choice) came through a
// Ref from a parameter's Default or from a value supplied for it (a parameter file, the command
// line). `parameter` is the logical id node, `reference` the Ref; `value` the Default as written
// (null when supplied), `supplied` the supplied value (null when it is the Default).
struct ParameterOrigin {
  const load::Node* parameter;
  const load::Node* reference;
  const load::Node* value;
  const SuppliedValue* supplied;
};
std::optional<ParameterOrigin> parameter_origin(const Value& value);
// The former names, for callers written before supplied values.
using DefaultOrigin = ParameterOrigin;
inline std::optional<ParameterOrigin> default_origin(const Value& value) {
  return parameter_origin(value);
}

bool same_value(const Value& a, const Value& b);

// `value` with `origin` set wherever it is not yet (the value and everything inside it): what
// a value of one stack becomes when another stack reads it.
Value from_stack(Value value, const Stack* origin);

// Three-valued logic: what a rule's condition says about a template.
enum class Truth : uint8_t { False, True, Unknown };

Truth operator!(Truth t);
Truth all_of(Truth a, Truth b);
Truth any_of(Truth a, Truth b);

// Applies `test` to each alternative: True when it holds for all, False when for none,
// Unknown when it depends on a condition or on an unknown alternative.
template <typename Test>
Truth for_all_alternatives(const Value& value, Test test) {
  bool any_true = false, any_false = false, any_unknown = false;
  for (const Value& alternative : value.alternatives()) {
    switch (test(alternative)) {
      case Truth::True:
        any_true = true;
        break;
      case Truth::False:
        any_false = true;
        break;
      case Truth::Unknown:
        any_unknown = true;
        break;
    }
  }
  if (any_unknown || (any_true && any_false)) return Truth::Unknown;
  return any_true ? Truth::True : Truth::False;
}

}  // namespace stacklint::graph
