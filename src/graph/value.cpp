#include "graph/value.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace stacklint::graph {

Value Value::scalar(std::string text, const load::Node* at) {
  Value v = make(ValueKind::Scalar, at);
  v.text = std::move(text);
  return v;
}

Value Value::resource_ref(std::string id, std::string attribute, const load::Node* at) {
  Value v = make(ValueKind::ResourceRef, at);
  v.text = std::move(id);
  v.attribute = std::move(attribute);
  return v;
}

Value Value::availability_zone(std::string region, int64_t index, const load::Node* at) {
  Value v = make(ValueKind::AvailabilityZone, at);
  v.text = std::move(region);
  v.index = index;
  return v;
}

bool Value::has_unknown() const {
  if (kind == ValueKind::Unknown) return true;
  if (kind != ValueKind::Choice) return false;
  return std::any_of(items.begin(), items.end(), [](const Value& v) { return v.has_unknown(); });
}

std::span<const Value> Value::alternatives() const {
  if (kind == ValueKind::Choice) return {items.data(), items.size()};
  return {this, 1};
}

Value Value::get(std::string_view key) const {
  switch (kind) {
    case ValueKind::Map: {
      for (const auto& [name, value] : fields) {
        if (name == key) return value;
      }
      return absent(node);
    }
    case ValueKind::Absent:
    case ValueKind::Null:
      return absent(node);
    case ValueKind::Choice: {
      std::vector<Value> results;
      for (const Value& alternative : items) results.push_back(alternative.get(key));
      return make_choice(std::move(results), node);
    }
    default:
      return unknown(node);
  }
}

Value Value::at_path(std::string_view path) const {
  Value current = *this;
  while (!path.empty()) {
    size_t dot = path.find('.');
    current = current.get(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return current;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A plain scalar that YAML 1.1 reads as a number in a notation other than plain decimal: octal
// (017), hexadecimal (0x1F), binary (0b101), base 60 (10:30), digit separators (1_000), .inf
// and .nan. Which number (or text) CloudFormation makes of these is not documented, so their
// value is not taken as proven. Errs towards "yes" (unknown is silent).
bool yaml11_other_number(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  if (text.empty()) return false;
  for (std::string_view special : {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"}) {
    if (text == special) return true;
  }
  if (!is_digit(text[0]) && !(text[0] == '.' && text.size() > 1 && is_digit(text[1]))) {
    return false;
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'b')) return true;
  bool separators = false, leading_zero = text.size() > 1 && text[0] == '0' && is_digit(text[1]);
  for (char c : text) {
    if (c == '_' || c == ':') {
      separators = true;
    } else if (!is_digit(c) && c != '.') {
      return false;
    }
  }
  return separators || (leading_zero && text.find('.') == std::string_view::npos);
}

// A decimal number, strictly: [+-] digits [. digits] [e [+-] digits], or [+-] . digits [...].
std::optional<double> parse_decimal(const std::string& text) {
  size_t i = 0, n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < n && is_digit(text[i])) ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && is_digit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < n && is_digit(text[i])) ++i, ++exponent;
    if (exponent == 0) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

// YAML 1.1's boolean words, which CloudFormation's YAML reader applies to plain scalars (aws-cli
// PR #5257: "CloudFormation treats unquoted values that are YAML 1.1 native booleans as
// booleans"), so `MultiAZ: Yes` is true and a tag `Value: NO` is the text "false" (hyp3 PR
// #2061). The single letters y, Y, n and N, which the YAML 1.1 type repository also lists, are
// text to CloudFormation, as to PyYAML: templates with a plain `FunctionName: y` deploy as
// written and broke only when `aws cloudformation package` 2.11.8 turned them into booleans, a
// regression aws-cli fixed (issue #7805, PR #7931).
std::optional<bool> yaml11_boolean(std::string_view text) {
  static constexpr std::string_view kTrue[] = {"yes", "Yes",  "YES",  "on",  "On",
                                               "ON",  "true", "True", "TRUE"};
  static constexpr std::string_view kFalse[] = {"no",  "No",    "NO",    "off",  "Off",
                                                "OFF", "false", "False", "FALSE"};
  if (text.size() < 2 || text.size() > 5) return std::nullopt;
  for (std::string_view word : kTrue) {
    if (text == word) return true;
  }
  for (std::string_view word : kFalse) {
    if (text == word) return false;
  }
  return std::nullopt;
}

Value Value::literal(const load::Node* scalar_node) {
  std::string_view text = scalar_node->text;
  if (has_dynamic_reference(text)) return unknown(scalar_node);
  if (scalar_node->style == load::ScalarStyle::Plain) {
    if (std::optional<bool> b = yaml11_boolean(text)) {
      return scalar(*b ? "true" : "false", scalar_node);
    }
    if (yaml11_other_number(text)) return unknown(scalar_node);
  }
  return scalar(std::string(text), scalar_node);
}

bool has_dynamic_reference(std::string_view text) {
  return text.find("{{resolve:") != std::string_view::npos;
}

std::optional<ParameterOrigin> parameter_origin(const Value& value) {
  if (value.parameter == nullptr || value.reference == nullptr) return std::nullopt;
  if (value.supplied != nullptr) {
    return ParameterOrigin{value.parameter, value.reference, nullptr, value.supplied};
  }
  if (value.node == nullptr) return std::nullopt;
  return ParameterOrigin{value.parameter, value.reference, value.node, nullptr};
}

std::string_view describe(ValueShape shape) {
  switch (shape) {
    case ValueShape::Unknown:
      return "a value of unknown kind";
    case ValueShape::Absent:
      return "no value";
    case ValueShape::Null:
      return "null";
    case ValueShape::String:
      return "a string";
    case ValueShape::Number:
      return "a number";
    case ValueShape::Boolean:
      return "a boolean";
    case ValueShape::List:
      return "a list";
    case ValueShape::Map:
      return "a mapping";
  }
  return "a value";
}

ValueShape Value::shape() const {
  switch (kind) {
    case ValueKind::Unknown:
      return hint;
    case ValueKind::Absent:
      return ValueShape::Absent;
    case ValueKind::Null:
      return ValueShape::Null;
    case ValueKind::Scalar:
      if (hint != ValueShape::Unknown) return hint;
      // Written plainly, a scalar keeps the YAML/JSON type it was read as; anything built from
      // pieces, or quoted, is text.
      if (node != nullptr && node->is_scalar() && node->style == load::ScalarStyle::Plain) {
        if (yaml11_boolean(node->text)) return ValueShape::Boolean;
        if (parse_decimal(node->text)) return ValueShape::Number;
      }
      return ValueShape::String;
    case ValueKind::List:
    case ValueKind::AvailabilityZones:
      return ValueShape::List;
    case ValueKind::Map:
      return ValueShape::Map;
    case ValueKind::AvailabilityZone:
      return ValueShape::String;
    case ValueKind::ResourceRef:
      return attribute.empty() ? ValueShape::String : ValueShape::Unknown;
    case ValueKind::Choice:
      return ValueShape::Unknown;
  }
  return ValueShape::Unknown;
}

std::optional<bool> Value::as_bool() const {
  if (kind != ValueKind::Scalar || text.size() < 4 || text.size() > 5) return std::nullopt;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

std::optional<double> Value::as_number() const {
  if (kind != ValueKind::Scalar) return std::nullopt;
  return parse_decimal(text);
}

std::optional<std::string_view> Value::as_string() const {
  if (kind != ValueKind::Scalar) return std::nullopt;
  return std::string_view(text);
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::Unknown:
      return false;  // two unknowns are not known to be equal
    case ValueKind::Absent:
    case ValueKind::Null:
      return true;
    case ValueKind::Scalar:
      return a.text == b.text;
    case ValueKind::AvailabilityZones:
      return a.text == b.text;
    case ValueKind::AvailabilityZone:
      return a.text == b.text && a.index == b.index;
    case ValueKind::ResourceRef:
      return a.text == b.text && a.attribute == b.attribute && a.origin == b.origin;
    case ValueKind::List:
    case ValueKind::Choice:
      return a.items.size() == b.items.size() &&
             std::equal(a.items.begin(), a.items.end(), b.items.begin(), same_value);
    case ValueKind::Map:
      return a.fields.size() == b.fields.size() &&
             std::equal(a.fields.begin(), a.fields.end(), b.fields.begin(),
                        [](const auto& x, const auto& y) {
                          return x.first == y.first && same_value(x.second, y.second);
                        });
  }
  return false;
}

Value make_choice(std::vector<Value> alternatives, const load::Node* at) {
  // Deduplicated in place: the alternatives' vector becomes the choice's, and a nested
  // choice's alternatives are taken in its place, in order.
  size_t kept = 0;
  auto add = [&](Value& part) {
    bool seen = std::any_of(alternatives.begin(), alternatives.begin() + kept,
                            [&](const Value& v) { return same_value(v, part); });
    if (!seen) {
      if (&alternatives[kept] != &part) alternatives[kept] = std::move(part);
      ++kept;
    }
    return kept <= kMaxAlternatives;
  };
  for (size_t i = 0; i < alternatives.size(); ++i) {
    if (alternatives[i].kind != ValueKind::Choice) {
      if (!add(alternatives[i])) return Value::unknown(at);
      continue;
    }
    // A nested choice: the rest is flattened into a new vector (rare: Fn::If in Fn::If).
    std::vector<Value> flat(std::make_move_iterator(alternatives.begin()),
                            std::make_move_iterator(alternatives.begin() + kept));
    for (; i < alternatives.size(); ++i) {
      std::vector<Value> parts;
      if (alternatives[i].kind == ValueKind::Choice) {
        parts = std::move(alternatives[i].items);
      } else {
        parts.push_back(std::move(alternatives[i]));
      }
      for (Value& part : parts) {
        bool seen = std::any_of(flat.begin(), flat.end(),
                                [&](const Value& v) { return same_value(v, part); });
        if (!seen) flat.push_back(std::move(part));
        if (flat.size() > kMaxAlternatives) return Value::unknown(at);
      }
    }
    alternatives = std::move(flat);
    kept = alternatives.size();
    break;
  }
  if (kept == 1) return std::move(alternatives[0]);
  alternatives.erase(alternatives.begin() + static_cast<std::ptrdiff_t>(kept), alternatives.end());
  Value choice;
  choice.kind = ValueKind::Choice;
  choice.items = std::move(alternatives);
  choice.node = at;
  return choice;
}

Truth operator!(Truth t) {
  if (t == Truth::Unknown) return t;
  return t == Truth::True ? Truth::False : Truth::True;
}

Truth all_of(Truth a, Truth b) {
  if (a == Truth::False || b == Truth::False) return Truth::False;
  if (a == Truth::Unknown || b == Truth::Unknown) return Truth::Unknown;
  return Truth::True;
}

Truth any_of(Truth a, Truth b) {
  if (a == Truth::True || b == Truth::True) return Truth::True;
  if (a == Truth::Unknown || b == Truth::Unknown) return Truth::Unknown;
  return Truth::False;
}

Value from_stack(Value value, const Stack* origin) {
  if (value.origin == nullptr) value.origin = origin;
  for (Value& item : value.items) item = from_stack(std::move(item), origin);
  for (auto& field : value.fields) field.second = from_stack(std::move(field.second), origin);
  return value;
}

}  // namespace stacklint::graph
