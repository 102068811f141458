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

std::optional<bool> Value::as_bool() const {
  if (kind != ValueKind::Scalar) return std::nullopt;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

std::optional<double> Value::as_number() const {
  if (kind != ValueKind::Scalar || text.empty()) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
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
      return a.text == b.text && a.attribute == b.attribute;
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
  std::vector<Value> flat;
  for (Value& alternative : alternatives) {
    std::vector<Value> parts;
    if (alternative.kind == ValueKind::Choice) {
      parts = std::move(alternative.items);
    } else {
      parts.push_back(std::move(alternative));
    }
    for (Value& part : parts) {
      bool seen = std::any_of(flat.begin(), flat.end(),
                              [&](const Value& v) { return same_value(v, part); });
      if (!seen) flat.push_back(std::move(part));
      if (flat.size() > kMaxAlternatives) return Value::unknown(at);
    }
  }
  if (flat.size() == 1) return std::move(flat[0]);
  Value choice;
  choice.kind = ValueKind::Choice;
  choice.items = std::move(flat);
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

}  // namespace stacklint::graph
