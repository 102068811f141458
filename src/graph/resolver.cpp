#include "graph/resolver.h"

#include <algorithm>

#include "graph/cidr.h"

namespace stacklint::graph {

namespace {

// How deep resolution recurses (nesting plus indirections); past it the value is unknown. The
// loader bounds nesting at 256, so this only cuts chains of indirections (a VPC whose CidrBlock
// is another VPC's, and so on) before they exhaust the stack.
constexpr int kMaxDepth = 512;

bool is_intrinsic(const Node* node) {
  if (!node->is_mapping() || node->pairs.size() != 1) return false;
  std::string_view key = node->pairs[0].key->text;
  return key == "Ref" || key.rfind("Fn::", 0) == 0;
}

std::string_view trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool is_list_parameter_type(std::string_view type) {
  return type == "CommaDelimitedList" || type.rfind("List<", 0) == 0 ||
         type.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0 ||
         type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
}

// A Number parameter's value is a number; a list type's a list; every other type's (String,
// AWS::EC2::KeyPair::KeyName, AWS::SSM::Parameter::Value<String>, ...) a string.
ValueShape parameter_shape(std::string_view type) {
  if (is_list_parameter_type(type)) return ValueShape::List;
  if (type == "Number" || type == "AWS::SSM::Parameter::Value<Number>") return ValueShape::Number;
  return ValueShape::String;
}

// The shape every item of a list has: a string for the lists that functions and list
// parameters make (their Unknown stands for a list of names), the items' common shape for a
// literal list, else Unknown.
ValueShape element_shape(const Value& list) {
  if (list.kind == ValueKind::AvailabilityZones) return ValueShape::String;
  if (list.kind == ValueKind::Unknown) {
    return list.hint == ValueShape::List ? ValueShape::String : ValueShape::Unknown;
  }
  if (list.kind != ValueKind::List || list.items.empty()) return ValueShape::Unknown;
  ValueShape common = list.items[0].shape();
  for (const Value& item : list.items) {
    if (item.shape() != common) return ValueShape::Unknown;
  }
  return common;
}

// Gives an Unknown result the shape its function proves (Fn::Join: a string, ...).
Value shaped(Value value, ValueShape shape) {
  if (value.kind == ValueKind::Unknown && value.hint == ValueShape::Unknown) value.hint = shape;
  return value;
}

// What copying a value costs, in steps: its nodes and the bytes of its text.
size_t weight(const Value& value) {
  size_t total = 1 + value.text.size() + value.attribute.size();
  for (const Value& item : value.items) total += weight(item);
  for (const auto& [name, field] : value.fields) total += name.size() + weight(field);
  return total;
}

// The size of the tree as written (nodes and bytes of text), capped: the budget's measure.
size_t tree_size(const Node* root) {
  constexpr size_t kCap = size_t{1} << 28;
  size_t size = 0;
  std::vector<const Node*> stack;
  stack.reserve(64);  // room for a usual template's walk: one allocation
  if (root != nullptr) stack.push_back(root);
  while (!stack.empty() && size < kCap) {
    const Node* node = stack.back();
    stack.pop_back();
    size += 1 + node->text.size();
    for (const Node* item : node->items) stack.push_back(item);
    for (const load::Pair& pair : node->pairs) {
      size += 1 + pair.key->text.size();
      stack.push_back(pair.value);
    }
  }
  return std::min(size, kCap);
}

// The variables of an Fn::Sub's map by name, the first of a repeated name winning as in
// Node::get; indexed only when there are many, so that a long Fn::Sub stays linear.
class SubVariables {
 public:
  explicit SubVariables(const Node* map)
      : map_(map != nullptr && map->is_mapping() ? map : nullptr) {
    if (map_ == nullptr || map_->pairs.size() <= 8) return;
    for (const load::Pair& pair : map_->pairs) index_.emplace(pair.key->text, pair.value);
  }
  const Node* get(std::string_view name) const {
    if (map_ == nullptr) return nullptr;
    if (index_.empty()) return map_->get(name);
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : it->second;
  }

 private:
  const Node* map_;
  std::unordered_map<std::string_view, const Node*> index_;
};

}  // namespace

Resolver::Limits Resolver::default_limits(const Template& tmpl) {
  size_t size = tree_size(tmpl.root());
  size_t per_resolution = kBudgetBase + kBudgetPerUnit * size;
  return Limits{per_resolution, kGlobalFactor * per_resolution, kFloor,
                kBudgetBase + kCopiesPerUnit * size};
}

Resolver::Resolver(const Template& tmpl, const ParameterValues* supplied)
    : Resolver(tmpl, default_limits(tmpl), supplied) {}

Resolver::Resolver(const Template& tmpl, Limits limits, const ParameterValues* supplied)
    : template_(tmpl), limits_(limits), supplied_(supplied) {}

// A step is allowed while this resolution is within its floor, or within its own allowance
// while all resolutions are within the global cap. A refused step is not counted, so steps()
// shows the work done.
bool Resolver::charge(size_t steps) const {
  size_t local = local_steps_ + steps;
  bool allowed = local <= limits_.floor ||
                 (local <= limits_.per_resolution && steps_ + steps <= limits_.global);
  if (!allowed) {
    ++cutoffs_;
    note_limited(current_, false);
    return false;
  }
  local_steps_ = local;
  steps_ += steps;
  return true;
}

void Resolver::note_limited(const Node* at, bool string_length, bool copies) const {
  if (at != nullptr && limited_seen_.insert(at).second)
    limited_.push_back({at, string_length, copies});
}

bool Resolver::copy(size_t weight) const {
  if (weight <= kSmallCopy) return true;
  if (copied_ + weight > limits_.copies) {
    ++cutoffs_;
    note_limited(current_, false, true);
    return false;
  }
  copied_ += weight;
  return true;
}

Value Resolver::resolve(const Node* node) const {
  if (entries_++ == 0) {
    current_ = node;
    local_steps_ = 0;
  }
  Value value = resolve_at(node, 0);
  --entries_;
  return value;
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
  // A resource of another stack is not one of this template, whatever its logical id.
  if (value.origin != nullptr && value.origin != stack()) return nullptr;
  return template_.resource(value.text);
}

LinkedResource Resolver::linked_resource(const Value& value) const {
  if (value.kind != ValueKind::ResourceRef) return {};
  if (value.origin == nullptr || value.origin == stack()) {
    return {template_.resource(value.text), this, nullptr};
  }
  if (linker_ == nullptr) return {};
  const Resolver* other = linker_->resolver_of(value.origin);
  if (other == nullptr) return {};
  return {other->tmpl().resource(value.text), other, value.origin};
}

// A list parameter's text as the list CloudFormation makes of it (split at commas; "" is the
// empty list), its items placed where the text is; nullopt when the step allowance runs out.
std::optional<Value> Resolver::list_of_text(const Value& text) const {
  Value list;
  list.kind = ValueKind::List;
  list.node = text.node;
  if (!text.text.empty()) {
    for (std::string& item : split_list_value(text.text)) {
      list.items.push_back(Value::scalar(std::move(item), text.node));
    }
  }
  if (!charge(list.items.size())) return std::nullopt;
  return list;
}

// A value a parent stack passes to a nested stack's parameter, as the child reads it: nested
// stack Parameters are strings, so a List parameter receives comma-joined text and splits it,
// and anything but text is not proven to reach the child as written.
Value Resolver::passed_parameter(std::string_view type, Value passed, const Node* at) const {
  if (passed.kind == ValueKind::Choice) {
    for (Value& alternative : passed.items) {
      alternative = passed_parameter(type, std::move(alternative), at);
    }
    return passed;
  }
  ValueShape shape = parameter_shape(type);
  if (shape == ValueShape::List) {
    if (passed.kind == ValueKind::List || passed.kind == ValueKind::AvailabilityZones) {
      return passed;
    }
    if (passed.kind != ValueKind::Scalar) return unknown_shaped(ValueShape::List, at);
    std::optional<Value> list = list_of_text(passed);
    return list ? std::move(*list) : unknown_shaped(ValueShape::List, at);
  }
  if (passed.kind == ValueKind::List || passed.kind == ValueKind::Map ||
      passed.kind == ValueKind::AvailabilityZones || passed.kind == ValueKind::Absent) {
    return unknown_shaped(shape, at);
  }
  if (passed.kind == ValueKind::Scalar || passed.kind == ValueKind::Unknown) passed.hint = shape;
  return passed;
}

Value Resolver::linked(Value value, const Node* at) const {
  size_t cost = weight(value);
  if (!charge(cost) || !copy(cost)) return Value::unknown(at);
  return value;
}

// A value reached by indirection, computed once. A key met again while it is being computed is
// a cycle, which CloudFormation rejects: Unknown. Nothing that a step limit cut short is
// remembered, so what is remembered does not depend on which resolution computed it.
template <typename Compute>
Value Resolver::remembered(const void* key, const Node* at, Compute compute) const {
  if (auto it = memo_.find(key); it != memo_.end()) {
    if (!charge(it->second.weight) || !copy(it->second.weight)) return Value::unknown(at);
    return it->second.value;
  }
  if (!in_progress_.insert(key).second) return Value::unknown(at);
  size_t cutoffs = cutoffs_;
  Value value = compute();
  in_progress_.erase(key);
  if (cutoffs_ == cutoffs) {
    size_t cost = weight(value);
    memo_.emplace(key, Remembered{value, cost});
  }
  return value;
}

Value Resolver::resolve_at(const Node* node, int depth) const {
  if (node == nullptr) return Value::absent();
  if (depth > kMaxDepth || !charge(1)) return Value::unknown(node);
  switch (node->kind) {
    case load::NodeKind::Null:
      // CloudFormation rejects a null (T006 reports it), so no rule may read it as a value.
      return Value::unknown(node);
    case load::NodeKind::Scalar:
      if (!charge(node->text.size())) return Value::unknown(node);
      return Value::literal(node);
    case load::NodeKind::Sequence: {
      Value list;
      list.kind = ValueKind::List;
      list.node = node;
      list.items.reserve(node->items.size());
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
  map.fields.reserve(node->pairs.size());
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
    // Built in place: an initializer list would copy both branches.
    std::vector<Value> branches;
    branches.reserve(2);
    branches.push_back(resolve_at(arg->items[1], depth + 1));
    branches.push_back(resolve_at(arg->items[2], depth + 1));
    return make_choice(std::move(branches), at);
  }
  if (fn == "Fn::GetAZs") {
    Value region = resolve_at(arg, depth + 1);
    // The zones of a region not named in the template are still a list of names.
    Value zones;
    zones.kind = ValueKind::AvailabilityZones;
    zones.node = at;
    if (region.kind == ValueKind::Scalar) {
      zones.text = region.text;  // "" is the stack's region
    } else if (arg->is_mapping() && arg->single_key() == "Ref" &&
               arg->pairs[0].value->is_scalar() && arg->pairs[0].value->text == "AWS::Region") {
      zones.text = "";
    } else {
      return unknown_shaped(ValueShape::List, at);
    }
    return zones;
  }
  if (fn == "Fn::Select") return resolve_select(arg, at, depth);
  if (fn == "Fn::Join") return shaped(resolve_join(arg, at, depth), ValueShape::String);
  if (fn == "Fn::Sub") return shaped(resolve_sub(arg, at, depth), ValueShape::String);
  if (fn == "Fn::FindInMap") return resolve_find_in_map(arg, at, depth);
  if (fn == "Fn::Cidr") return shaped(resolve_cidr(arg, at, depth), ValueShape::List);
  if (fn == "Fn::Split") {
    if (linker_ != nullptr && arg->is_sequence() && arg->items.size() == 2 &&
        arg->items[1]->single_key() == "Fn::ImportValue") {
      Value delimiter = resolve_at(arg->items[0], depth + 1);
      Value text = resolve_at(arg->items[1], depth + 1);
      if (text.is_unknown() && delimiter.kind == ValueKind::Scalar) {
        // A list exported as one joined string, split again where it is imported.
        Value name = resolve_at(arg->items[1]->pairs[0].value, depth + 1);
        if (name.kind != ValueKind::Scalar) return unknown_shaped(ValueShape::List, at);
        return shaped(linked(linker_->import_list(name.text, delimiter.text, at), at),
                      ValueShape::List);
      }
    }
    return shaped(resolve_split(arg, at, depth), ValueShape::List);
  }
  if (fn == "Fn::Length") {
    Value list = resolve_at(arg, depth + 1);
    if (list.kind != ValueKind::List) return unknown_shaped(ValueShape::Number, at);
    Value length = Value::scalar(std::to_string(list.items.size()), at);
    length.hint = ValueShape::Number;
    return length;
  }
  // Text whatever their argument: the argument encoded, or written out as JSON
  // (AWS::LanguageExtensions).
  if (fn == "Fn::Base64" || fn == "Fn::ToJsonString") {
    return unknown_shaped(ValueShape::String, at);
  }
  if (fn == "Fn::ImportValue" && linker_ != nullptr) {
    Value name = resolve_at(arg, depth + 1);
    if (name.kind != ValueKind::Scalar) return Value::unknown(at);
    return linked(linker_->import_value(name.text, at), at);
  }
  // Fn::ImportValue (alone), Fn::Transform, Fn::GetStackOutput, ...: decided outside the template.
  return Value::unknown(at);
}

Value Resolver::resolve_split(const Node* arg, const Node* at, int depth) const {
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
    if (!charge(1)) return Value::unknown(at);
    size_t next = text.text.find(delimiter.text, start);
    list.items.push_back(Value::scalar(text.text.substr(start, next - start), at));
    if (next == std::string::npos) break;
    start = next + delimiter.text.size();
  }
  return charge(text.text.size()) ? list : Value::unknown(at);
}

// A literal as CloudFormation takes it where no function may stand (a parameter's Default, a
// mapping's entry): a scalar, or a list of scalars. Anything else is Unknown, unevaluated.
Value Resolver::literal_tree(const Node* node) const {
  if (!charge(1)) return Value::unknown(node);
  if (node->is_scalar()) {
    return charge(node->text.size()) ? Value::literal(node) : Value::unknown(node);
  }
  if (!node->is_sequence()) return Value::unknown(node);
  Value list;
  list.kind = ValueKind::List;
  list.node = node;
  for (const Node* item : node->items) {
    if (!item->is_scalar() || !charge(1 + item->text.size())) return Value::unknown(node);
    list.items.push_back(Value::literal(item));
  }
  return list;
}

// A parameter's value as the stack sees it: the value supplied for it, else its Default.
// CloudFormation evaluates no function in a Default, so neither does this: a Default that is not
// a literal is Unknown. A list type's value "a, b,c" is the list [a, b, c]. An SSM parameter
// type's value is the name of an SSM parameter, not what Ref returns: Unknown.
Value Resolver::value_of(const Parameter& parameter) const {
  const SuppliedValue* supplied = supplied_ != nullptr ? supplied_->find(parameter.id) : nullptr;
  if (parameter.type.rfind("AWS::SSM::Parameter::Value<", 0) == 0) return Value::unknown();
  Value value;
  if (supplied != nullptr) {
    if (!charge(weight(supplied->value))) return Value::unknown();
    value = supplied->value;
  } else if (parameter.default_value != nullptr) {
    value = literal_tree(parameter.default_value);
  } else {
    return Value::unknown();
  }
  if (is_list_parameter_type(parameter.type) && value.kind == ValueKind::Scalar) {
    std::optional<Value> list = list_of_text(value);
    if (!list) return Value::unknown(value.node);
    value = std::move(*list);
  }
  if (value.is_unknown()) return value;
  // Where the value came from, for findings that it decides (see ParameterOrigin).
  value.parameter = parameter.key;
  value.supplied = supplied;
  for (Value& item : value.items) {
    item.parameter = parameter.key;
    item.supplied = supplied;
  }
  return value;
}

Value Resolver::parameter_value(const Parameter& parameter, const Node* at) const {
  ValueShape shape = parameter_shape(parameter.type);
  if (linker_ != nullptr) {
    if (std::optional<Value> passed = linker_->parameter(parameter)) {
      return linked(passed_parameter(parameter.type, std::move(*passed), at), at);
    }
  }
  bool supplied = supplied_ != nullptr && supplied_->find(parameter.id) != nullptr;
  if (parameter.default_value == nullptr && !supplied) return unknown_shaped(shape, at);
  Value value = remembered(&parameter, at, [&] { return value_of(parameter); });
  // Whatever its value, a parameter passes on a value of its type (CloudFormation checks a
  // Number parameter's value is a number).
  if (value.kind == ValueKind::Unknown ||
      (value.kind == ValueKind::Scalar && shape != ValueShape::List)) {
    value.hint = shape;
  }
  if (value.parameter != nullptr) {
    value.reference = at;
    for (Value& item : value.items) item.reference = at;
  }
  // A supplied value is written outside the template: rules that point at a value point at the
  // Ref that brought it in, and ParameterOrigin says where it was written.
  if (supplied) {
    value.node = at;
    for (Value& item : value.items) item.node = at;
  }
  return value;
}

Value Resolver::resolve_ref(const Node* arg, const Node* at, int /*depth*/) const {
  if (!arg->is_scalar()) return Value::unknown(at);
  std::string_view name = arg->text;
  if (const Parameter* parameter = template_.parameter(name)) {
    return parameter_value(*parameter, at);
  }
  if (template_.resource(name) != nullptr) return Value::resource_ref(std::string(name), "", at);
  if (name == "AWS::NoValue") return Value::absent(at);
  if (name == "AWS::StackName" && linker_ != nullptr) {
    if (std::optional<std::string> stack_name = linker_->stack_name()) {
      Value value = Value::scalar(*stack_name, at);
      value.hint = ValueShape::String;
      return value;
    }
  }
  // The pseudo parameters: the stack's notification topics are a list, the others text.
  if (name == "AWS::NotificationARNs") return unknown_shaped(ValueShape::List, at);
  if (is_pseudo_parameter(name)) return unknown_shaped(ValueShape::String, at);
  return Value::unknown(at);
}

Value Resolver::resolve_getatt(const Node* arg, const Node* at, int depth) const {
  // Views of the tree and of `attr`, copied only into the value made.
  std::string_view name, attribute;
  Value attr;
  if (arg->is_sequence() && arg->items.size() == 2 && arg->items[0]->is_scalar()) {
    name = arg->items[0]->text;
    attr = resolve_at(arg->items[1], depth + 1);
    if (attr.kind != ValueKind::Scalar) return Value::unknown(at);
    attribute = attr.text;
  } else if (arg->is_scalar()) {
    size_t dot = arg->text.find('.');
    if (dot == std::string::npos) return Value::unknown(at);
    name = std::string_view(arg->text).substr(0, dot);
    attribute = std::string_view(arg->text).substr(dot + 1);
  } else {
    return Value::unknown(at);
  }
  const Resource* resource = template_.resource(name);
  if (resource == nullptr) return Value::unknown(at);
  if (linker_ != nullptr && attribute.starts_with("Outputs.") &&
      (resource->type == "AWS::CloudFormation::Stack" ||
       resource->type == "AWS::Serverless::Application")) {
    return linked(linker_->nested_output(*resource, attribute.substr(8), at), at);
  }
  // A VPC's CidrBlock attribute is its CidrBlock property: subnets are often carved from it.
  if (resource->type == "AWS::EC2::VPC" && attribute == "CidrBlock") {
    const Node* cidr = resource->property("CidrBlock");
    if (cidr == nullptr) return Value::unknown(at);
    return remembered(cidr, at, [&] { return resolve_at(cidr, depth + 1); });
  }
  return Value::resource_ref(std::string(name), std::string(attribute), at);
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
        results.push_back(unknown_shaped(element_shape(list_alternative), at));
      } else if (list_alternative.kind == ValueKind::AvailabilityZones) {
        results.push_back(
            Value::availability_zone(list_alternative.text, static_cast<int64_t>(*index), at));
      } else if (list_alternative.kind == ValueKind::List &&
                 *index < static_cast<double>(list_alternative.items.size())) {
        results.push_back(list_alternative.items[static_cast<size_t>(*index)]);
      } else {
        results.push_back(unknown_shaped(element_shape(list_alternative), at));
      }
    }
  }
  return make_choice(std::move(results), at);
}

// Joins parts (each a value or a choice) with `separator`, as Fn::Join and Fn::Sub do: one
// string per combination of alternatives, at most kMaxAlternatives of them, each at most
// kMaxStringLength long. Unknown when any part is not text, as the result then is not known
// in every case. Linear in the output: the strings grow in place.
Value Resolver::concatenate(std::span<const Piece> pieces, std::string_view separator,
                            const Node* at) const {
  std::vector<std::string> partials(1);
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    std::span<const Value> alternatives;
    if (piece.value != nullptr) {
      alternatives = piece.value->alternatives();
      for (const Value& alternative : alternatives) {
        if (alternative.kind != ValueKind::Scalar) return Value::unknown(at);
      }
    }
    std::string_view glue = i > 0 ? separator : std::string_view();
    if (piece.value == nullptr || alternatives.size() == 1) {
      std::string_view text = piece.value == nullptr ? piece.literal : alternatives[0].text;
      for (std::string& partial : partials) {
        if (partial.size() + glue.size() + text.size() > kMaxStringLength) {
          note_limited(at, true);
          return Value::unknown(at);
        }
        if (!charge(glue.size() + text.size())) return Value::unknown(at);
        partial.append(glue).append(text);
      }
      continue;
    }
    if (partials.size() * alternatives.size() > kMaxAlternatives) return Value::unknown(at);
    std::vector<std::string> next;
    for (const std::string& partial : partials) {
      for (const Value& alternative : alternatives) {
        size_t length = partial.size() + glue.size() + alternative.text.size();
        if (length > kMaxStringLength) {
          note_limited(at, true);
          return Value::unknown(at);
        }
        if (!charge(length)) return Value::unknown(at);
        next.push_back(partial);
        next.back().append(glue).append(alternative.text);
      }
    }
    partials = std::move(next);
  }
  // A dynamic reference, even one assembled from pieces, is replaced at deploy time.
  for (const std::string& partial : partials) {
    if (has_dynamic_reference(partial)) return Value::unknown(at);
  }
  if (partials.size() == 1) return Value::scalar(std::move(partials[0]), at);
  std::vector<Value> results;
  results.reserve(partials.size());
  for (std::string& partial : partials) results.push_back(Value::scalar(std::move(partial), at));
  return make_choice(std::move(results), at);
}

Value Resolver::resolve_join(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() != 2) return Value::unknown(at);
  Value delimiter = resolve_at(arg->items[0], depth + 1);
  Value list = resolve_at(arg->items[1], depth + 1);
  if (delimiter.kind != ValueKind::Scalar || list.kind != ValueKind::List) {
    return Value::unknown(at);
  }
  std::vector<Piece> pieces;
  pieces.reserve(list.items.size());
  for (const Value& item : list.items) pieces.push_back({{}, &item});
  return concatenate(pieces, delimiter.text, at);
}

Value Resolver::resolve_sub(const Node* arg, const Node* at, int depth) const {
  const Node* text = arg;
  const Node* variables = nullptr;
  if (arg->is_sequence() && !arg->items.empty()) {
    text = arg->items[0];
    if (arg->items.size() > 1) variables = arg->items[1];
  }
  if (!text->is_scalar()) return Value::unknown(at);
  std::string_view s = text->text;
  SubVariables locals(variables);
  // Split the string into literal text (views of it) and ${} variables (values), then combine
  // their alternatives. Room for a value per "${", so that the pieces' pointers stay valid.
  size_t variable_count = 0;
  for (size_t open = s.find("${"); open != std::string_view::npos; open = s.find("${", open + 2)) {
    ++variable_count;
  }
  std::vector<Value> values;
  values.reserve(variable_count);
  std::vector<Piece> pieces;
  pieces.reserve(2 * variable_count + 1);
  auto add = [&](Value value) { pieces.push_back({{}, &values.emplace_back(std::move(value))}); };
  size_t i = 0;
  while (i < s.size()) {
    if (!charge(1)) return Value::unknown(at);
    size_t open = s.find("${", i);
    if (open == std::string_view::npos) {
      pieces.push_back({s.substr(i)});
      break;
    }
    size_t close = s.find('}', open + 2);
    if (close == std::string_view::npos) {
      pieces.push_back({s.substr(i)});
      break;
    }
    pieces.push_back({s.substr(i, open - i)});
    std::string_view name = trim(s.substr(open + 2, close - open - 2));
    if (!name.empty() && name[0] == '!') {
      add(Value::scalar("${" + std::string(name.substr(1)) + "}", at));
    } else if (const Node* local = locals.get(name)) {
      add(resolve_at(local, depth + 1));
    } else if (const Parameter* parameter = template_.parameter(name)) {
      add(parameter_value(*parameter, at));
    } else if (name == "AWS::StackName" && linker_ != nullptr && linker_->stack_name()) {
      add(Value::scalar(*linker_->stack_name(), at));
    } else {
      add(Value::unknown(at));
    }
    i = close + 1;
  }
  return concatenate(pieces, "", at);
}

Value Resolver::resolve_find_in_map(const Node* arg, const Node* at, int depth) const {
  if (!arg->is_sequence() || arg->items.size() < 3) return Value::unknown(at);
  std::string keys[3];
  bool known[3] = {};
  for (size_t i = 0; i < 3; ++i) {
    Value key = resolve_at(arg->items[i], depth + 1);
    known[i] = key.kind == ValueKind::Scalar;
    if (known[i]) keys[i] = key.text;
  }
  const Declaration* mapping = known[0] ? template_.mapping(keys[0]) : nullptr;
  if (mapping == nullptr || !mapping->node->is_mapping()) return Value::unknown(at);
  if (!known[1] || !known[2]) {
    // A key decided at deploy time (the region, a parameter): what every entry it may pick is.
    const MappingShapes& shapes = mapping_shapes(mapping->node);
    const auto& table = known[1] ? shapes.by_top : shapes.by_second;
    ValueShape shape = shapes.all;
    if (known[1] || known[2]) {
      auto it = table.find(known[1] ? keys[1] : keys[2]);
      shape = it == table.end() ? ValueShape::Unknown : it->second;
    }
    return unknown_shaped(shape, at);
  }
  const Node* top = mapping->node->get(keys[1]);
  const Node* second = top != nullptr && top->is_mapping() ? top->get(keys[2]) : nullptr;
  if (second == nullptr) return Value::unknown(at);
  // Mappings hold literals only: CloudFormation evaluates no function there.
  return remembered(second, at, [&] { return literal_tree(second); });
}

// Two shapes merged: the same shape stays; scalars of different kinds are text, as
// CloudFormation hands every scalar on as text; anything else mixed is Unknown. Absent is the
// start (nothing merged yet).
static ValueShape merge_shapes(ValueShape a, ValueShape b) {
  if (a == ValueShape::Absent || a == b) return b;
  auto scalar = [](ValueShape s) {
    return s == ValueShape::String || s == ValueShape::Number || s == ValueShape::Boolean;
  };
  return scalar(a) && scalar(b) ? ValueShape::String : ValueShape::Unknown;
}

const Resolver::MappingShapes& Resolver::mapping_shapes(const Node* mapping) const {
  auto [it, inserted] = mapping_shapes_.try_emplace(mapping);
  MappingShapes& shapes = it->second;
  if (!inserted) return shapes;
  for (const load::Pair& top : mapping->pairs) {
    if (!top.value->is_mapping()) continue;
    ValueShape& of_top = shapes.by_top.try_emplace(top.key->text, ValueShape::Absent).first->second;
    for (const load::Pair& entry : top.value->pairs) {
      charge(1);  // counted only: the table is built once per mapping, in one pass
      ValueShape shape = ValueShape::Unknown;
      if (entry.value->is_scalar()) shape = Value::literal(entry.value).shape();
      if (entry.value->is_sequence()) shape = ValueShape::List;
      of_top = merge_shapes(of_top, shape);
      ValueShape& of_second =
          shapes.by_second.try_emplace(entry.key->text, ValueShape::Absent).first->second;
      of_second = merge_shapes(of_second, shape);
      shapes.all = merge_shapes(shapes.all, shape);
    }
  }
  auto settle = [](ValueShape& s) {
    if (s == ValueShape::Absent) s = ValueShape::Unknown;
  };
  settle(shapes.all);
  for (auto& entry : shapes.by_top) settle(entry.second);
  for (auto& entry : shapes.by_second) settle(entry.second);
  return shapes;
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
