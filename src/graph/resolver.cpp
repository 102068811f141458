#include "graph/resolver.h"

#include <cstdio>

#include "graph/cidr.h"

namespace stacklint::graph {

namespace {

// Indirections (parameter defaults, mappings, GetAtt of another resource's property) are
// followed this far; past it the value is unknown. Guards against cycles in broken templates.
constexpr int kMaxDepth = 64;

bool is_intrinsic(const Node* node) {
  if (!node->is_mapping() || node->pairs.size() != 1) return false;
  std::string_view key = node->pairs[0].key->text;
  return key == "Ref" || key.rfind("Fn::", 0) == 0;
}

std::string trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

bool is_list_parameter_type(std::string_view type) {
  return type == "CommaDelimitedList" || type.rfind("List<", 0) == 0 ||
         type.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0 ||
         type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
}

// The cross product of per-item alternatives, each combined by `combine`, within the bound.
template <typename Combine>
Value combine_alternatives(const std::vector<Value>& parts, const Node* at, Combine combine) {
  std::vector<std::vector<const Value*>> rows(1);
  for (const Value& part : parts) {
    std::vector<std::vector<const Value*>> next;
    for (const Value& alternative : part.alternatives()) {
      for (const auto& row : rows) {
        if (next.size() >= kMaxAlternatives) return Value::unknown(at);
        next.push_back(row);
        next.back().push_back(&alternative);
      }
    }
    rows = std::move(next);
  }
  std::vector<Value> results;
  for (const auto& row : rows) results.push_back(combine(row));
  return make_choice(std::move(results), at);
}

}  // namespace

Value Resolver::resolve(const Node* node) const {
  return resolve_at(node, 0);
}

Value Resolver::property(const Resource& resource, std::string_view path) const {
  // Walk literal mappings directly; resolve only where an intrinsic function stands in the way.
  const Node* node = resource.properties;
  if (node == nullptr) return Value::absent(resource.key);
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view name = path.substr(0, dot);
    if (node->is_mapping() && !is_intrinsic(node)) {
      const Node* next = node->get(name);
      if (next == nullptr) return Value::absent(node);
      node = next;
    } else {
      return resolve(node).at_path(path);
    }
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return resolve(node);
}

Value Resolver::attribute(const Resource& resource, std::string_view name) const {
  if (resource.node == nullptr || !resource.node->is_mapping()) return Value::unknown();
  const Node* node = resource.node->get(name);
  return node == nullptr ? Value::absent(resource.key) : resolve(node);
}

const Resource* Resolver::referenced_resource(const Value& value) const {
  if (value.kind != ValueKind::ResourceRef) return nullptr;
  return template_.resource(value.text);
}

Value Resolver::resolve_at(const Node* node, int depth) const {
  if (node == nullptr) return Value::absent();
  if (depth > kMaxDepth) return Value::unknown(node);
  switch (node->kind) {
    case load::NodeKind::Null: {
      Value v;
      v.kind = ValueKind::Null;
      v.node = node;
      return v;
    }
    case load::NodeKind::Scalar:
      return Value::scalar(node->text, node);
    case load::NodeKind::Sequence: {
      Value list;
      list.kind = ValueKind::List;
      list.node = node;
      for (const Node* item : node->items) {
        Value v = resolve_at(item, depth + 1);
        if (v.kind != ValueKind::Absent) list.items.push_back(std::move(v));
      }
      return list;
    }
    case load::NodeKind::Mapping:
      break;
  }
  if (is_intrinsic(node)) {
    return resolve_function(node->pairs[0].key->text, node->pairs[0].value, node, depth);
  }
  Value map;
  map.kind = ValueKind::Map;
  map.node = node;
  for (const load::Pair& pair : node->pairs) {
    Value v = resolve_at(pair.value, depth + 1);
    if (v.kind != ValueKind::Absent) map.fields.emplace_back(pair.key->text, std::move(v));
  }
  return map;
}

Value Resolver::resolve_function(std::string_view fn, const Node* arg, const Node* at,
                                 int depth) const {
  if (fn == "Ref") return resolve_ref(arg, at, depth);
  if (fn == "Fn::GetAtt") return resolve_getatt(arg, at, depth);
  if (fn == "Fn::If") {
    if (!arg->is_sequence() || arg->items.size() != 3) return Value::unknown(at);
    return make_choice({resolve_at(arg->items[1], depth + 1), resolve_at(arg->items[2], depth + 1)},
                       at);
  }
  if (fn == "Fn::GetAZs") {
    Value region = resolve_at(arg, depth + 1);
    Value zones;
    zones.kind = ValueKind::AvailabilityZones;
    zones.node = at;
    if (region.kind == ValueKind::Scalar) {
      zones.text = region.text;  // "" is the stack's region
    } else if (arg->is_mapping() && arg->single_key() == "Ref" &&
               arg->pairs[0].value->is_scalar() && arg->pairs[0].value->text == "AWS::Region") {
      zones.text = "";
    } else {
      return Value::unknown(at);
    }
    return zones;
  }
  if (fn == "Fn::Select") return resolve_select(arg, at, depth);
  if (fn == "Fn::Join") return resolve_join(arg, at, depth);
  if (fn == "Fn::Sub") return resolve_sub(arg, at, depth);
  if (fn == "Fn::FindInMap") return resolve_find_in_map(arg, at, depth);
  if (fn == "Fn::Cidr") return resolve_cidr(arg, at, depth);
  if (fn == "Fn::Split") {
    if (!arg->is_sequence() || arg->items.size() != 2) return Value::unknown(at);
    Value delimiter = resolve_at(arg->items[0], depth + 1);
    Value text = resolve_at(arg->items[1], depth + 1);
    if (delimiter.kind != ValueKind::Scalar || text.kind != ValueKind::Scalar ||
        delimiter.text.empty()) {
      return Value::unknown(at);
    }
    Value list;
    list.kind = ValueKind::List;
    list.node = at;
    size_t start = 0;
    while (true) {
      size_t next = text.text.find(delimiter.text, start);
      list.items.push_back(Value::scalar(text.text.substr(start, next - start), at));
      if (next == std::string::npos) break;
      start = next + delimiter.text.size();
    }
    return list;
  }
  if (fn == "Fn::Length") {
    Value list = resolve_at(arg, depth + 1);
    if (list.kind != ValueKind::List) return Value::unknown(at);
    return Value::scalar(std::to_string(list.items.size()), at);
  }
  // Fn::ImportValue, Fn::Base64, Fn::Transform, Fn::GetStackOutput, Fn::ToJsonString, ...:
  // decided outside the template, or not worth deciding.
  return Value::unknown(at);
}

Value Resolver::parameter_value(const Parameter& parameter, const Node* at, int depth) const {
  if (parameter.default_value == nullptr) return Value::unknown(at);
  Value value = resolve_at(parameter.default_value, depth + 1);
  if (is_list_parameter_type(parameter.type) && value.kind == ValueKind::Scalar) {
    Value list;
    list.kind = ValueKind::List;
    list.node = value.node;
    if (!value.text.empty()) {
      size_t start = 0;
      while (true) {
        size_t comma = value.text.find(',', start);
        list.items.push_back(Value::scalar(
            trim(std::string_view(value.text).substr(start, comma - start)), value.node));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    return list;
  }
  return value;
}

Value Resolver::resolve_ref(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_scalar()) return Value::unknown(at);
  const std::string& name = arg->text;
  if (const Parameter* parameter = template_.parameter(name)) {
    return parameter_value(*parameter, at, depth);
  }
  if (template_.resource(name) != nullptr) return Value::resource_ref(name, "", at);
  if (name == "AWS::NoValue") return Value::absent(at);
  return Value::unknown(at);
}

Value Resolver::resolve_getatt(const Node* arg, const Node* at, int depth) const {
  std::string name, attribute;
  if (arg->is_sequence() && arg->items.size() == 2 && arg->items[0]->is_scalar()) {
    name = arg->items[0]->text;
    Value attr = resolve_at(arg->items[1], depth + 1);
    if (attr.kind != ValueKind::Scalar) return Value::unknown(at);
    attribute = attr.text;
  } else if (arg->is_scalar()) {
    size_t dot = arg->text.find('.');
    if (dot == std::string::npos) return Value::unknown(at);
    name = arg->text.substr(0, dot);
    attribute = arg->text.substr(dot + 1);
  } else {
    return Value::unknown(at);
  }
  const Resource* resource = template_.resource(name);
  if (resource == nullptr) return Value::unknown(at);
  // A VPC's CidrBlock attribute is its CidrBlock property: subnets are often carved from it.
  if (resource->type == "AWS::EC2::VPC" && attribute == "CidrBlock") {
    const Node* cidr = resource->property("CidrBlock");
    if (cidr != nullptr) return resolve_at(cidr, depth + 1);
    return Value::unknown(at);
  }
  return Value::resource_ref(name, attribute, at);
}

Value Resolver::resolve_select(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() != 2) return Value::unknown(at);
  Value index_value = resolve_at(arg->items[0], depth + 1);
  Value list = resolve_at(arg->items[1], depth + 1);
  std::vector<Value> results;
  for (const Value& index_alternative : index_value.alternatives()) {
    std::optional<double> index = index_alternative.as_number();
    for (const Value& list_alternative : list.alternatives()) {
      if (!index || *index < 0 || *index != static_cast<double>(static_cast<int64_t>(*index))) {
        results.push_back(Value::unknown(at));
      } else if (list_alternative.kind == ValueKind::AvailabilityZones) {
        results.push_back(
            Value::availability_zone(list_alternative.text, static_cast<int64_t>(*index), at));
      } else if (list_alternative.kind == ValueKind::List &&
                 *index < static_cast<double>(list_alternative.items.size())) {
        results.push_back(list_alternative.items[static_cast<size_t>(*index)]);
      } else {
        results.push_back(Value::unknown(at));
      }
    }
  }
  return make_choice(std::move(results), at);
}

Value Resolver::resolve_join(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() != 2) return Value::unknown(at);
  Value delimiter = resolve_at(arg->items[0], depth + 1);
  Value list = resolve_at(arg->items[1], depth + 1);
  if (delimiter.kind != ValueKind::Scalar || list.kind != ValueKind::List) {
    return Value::unknown(at);
  }
  return combine_alternatives(list.items, at, [&](const std::vector<const Value*>& row) {
    std::string joined;
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i]->kind != ValueKind::Scalar) return Value::unknown(at);
      if (i > 0) joined += delimiter.text;
      joined += row[i]->text;
    }
    return Value::scalar(std::move(joined), at);
  });
}

Value Resolver::resolve_sub(const Node* arg, const Node* at, int depth) const {
  const Node* text = arg;
  const Node* variables = nullptr;
  if (arg->is_sequence() && !arg->items.empty()) {
    text = arg->items[0];
    if (arg->items.size() > 1) variables = arg->items[1];
  }
  if (!text->is_scalar()) return Value::unknown(at);
  const std::string& s = text->text;
  // Split the string into literal text and ${} variables, then combine their alternatives.
  std::vector<Value> parts;
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("${", i);
    if (open == std::string::npos) {
      parts.push_back(Value::scalar(s.substr(i), at));
      break;
    }
    size_t close = s.find('}', open + 2);
    if (close == std::string::npos) {
      parts.push_back(Value::scalar(s.substr(i), at));
      break;
    }
    parts.push_back(Value::scalar(s.substr(i, open - i), at));
    std::string name = trim(std::string_view(s).substr(open + 2, close - open - 2));
    if (!name.empty() && name[0] == '!') {
      parts.push_back(Value::scalar("${" + name.substr(1) + "}", at));
    } else {
      const Node* local =
          variables != nullptr && variables->is_mapping() ? variables->get(name) : nullptr;
      Value v;
      if (local != nullptr) {
        v = resolve_at(local, depth + 1);
      } else if (const Parameter* parameter = template_.parameter(name)) {
        v = parameter_value(*parameter, at, depth);
      } else {
        v = Value::unknown(at);
      }
      parts.push_back(std::move(v));
    }
    i = close + 1;
  }
  return combine_alternatives(parts, at, [&](const std::vector<const Value*>& row) {
    std::string joined;
    for (const Value* part : row) {
      if (part->kind != ValueKind::Scalar) return Value::unknown(at);
      joined += part->text;
    }
    return Value::scalar(std::move(joined), at);
  });
}

Value Resolver::resolve_find_in_map(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() < 3) return Value::unknown(at);
  std::string keys[3];
  for (size_t i = 0; i < 3; ++i) {
    Value key = resolve_at(arg->items[i], depth + 1);
    if (key.kind != ValueKind::Scalar) return Value::unknown(at);
    keys[i] = key.text;
  }
  const Declaration* mapping = template_.mapping(keys[0]);
  if (mapping == nullptr || !mapping->node->is_mapping()) return Value::unknown(at);
  const Node* top = mapping->node->get(keys[1]);
  const Node* second = top != nullptr && top->is_mapping() ? top->get(keys[2]) : nullptr;
  if (second == nullptr) return Value::unknown(at);
  return resolve_at(second, depth + 1);
}

Value Resolver::resolve_cidr(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() != 3) return Value::unknown(at);
  Value block = resolve_at(arg->items[0], depth + 1);
  Value count = resolve_at(arg->items[1], depth + 1);
  Value bits = resolve_at(arg->items[2], depth + 1);
  std::optional<Cidr> base =
      block.kind == ValueKind::Scalar ? parse_cidr(block.text) : std::nullopt;
  std::optional<double> n = count.as_number();
  std::optional<double> host_bits = bits.as_number();
  if (!base || base->is_ipv6 || !n || !host_bits || *n < 1 || *n > 256 || *host_bits < 0 ||
      *host_bits > 32) {
    return Value::unknown(at);
  }
  int prefix = 32 - static_cast<int>(*host_bits);
  if (prefix < base->prefix) return Value::unknown(at);
  Value list;
  list.kind = ValueKind::List;
  list.node = at;
  uint64_t step = uint64_t{1} << (32 - prefix);
  uint64_t start = base->address_v4();
  uint64_t limit = start + (uint64_t{1} << (32 - base->prefix));
  for (int i = 0; i < static_cast<int>(*n); ++i) {
    uint64_t address = start + step * static_cast<uint64_t>(i);
    if (address + step > limit) return Value::unknown(at);
    list.items.push_back(
        Value::scalar(format_ipv4_cidr(static_cast<uint32_t>(address), prefix), at));
  }
  return list;
}

}  // namespace stacklint::graph
