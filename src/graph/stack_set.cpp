#include "graph/stack_set.h"

#include <algorithm>

namespace stacklint::graph {

namespace {

bool is_list_type(std::string_view type) {
  return type == "CommaDelimitedList" || type.starts_with("List<") ||
         type.starts_with("AWS::SSM::Parameter::Value<List<") ||
         type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
}

std::string trimmed(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// A value passed to a parameter as CloudFormation hands it over: a list-typed parameter splits
// the text it is given at commas.
Value as_passed(const Parameter& parameter, Value value) {
  if (!is_list_type(parameter.type) || value.kind != ValueKind::Scalar) return value;
  Value list;
  list.kind = ValueKind::List;
  list.node = value.node;
  list.origin = value.origin;
  if (value.text.empty()) return list;
  size_t start = 0;
  while (true) {
    size_t comma = value.text.find(',', start);
    Value item = Value::scalar(trimmed(std::string_view(value.text).substr(start, comma - start)),
                               value.node);
    item.origin = value.origin;
    list.items.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return list;
}

}  // namespace

bool is_nested_stack_type(std::string_view type) {
  return type == "AWS::CloudFormation::Stack" || type == "AWS::Serverless::Application";
}

std::string_view nested_template_property(std::string_view type) {
  return type == "AWS::CloudFormation::Stack" ? "TemplateURL" : "Location";
}

bool is_remote_template(std::string_view location) {
  return location.starts_with("https://") || location.starts_with("http://") ||
         location.starts_with("s3://");
}

Stack::Stack(StackSet& set, std::string file, const Template& tmpl, std::string name)
    : set_(set),
      file_(std::move(file)),
      name_(std::move(name)),
      template_(tmpl),
      resolver_(tmpl, &supplied_) {
  resolver_.link(this);
}

const Network& Stack::network() const {
  if (!network_) network_ = std::make_unique<Network>(template_, resolver_);
  return *network_;
}

std::optional<Value> Stack::parameter(const Parameter& parameter) const {
  if (parent_ == nullptr || parent_resource_ == nullptr) return std::nullopt;
  if (auto it = from_parent_.find(&parameter); it != from_parent_.end()) return it->second;
  // The parent's Parameters: a literal mapping names what it passes; anything else (an
  // intrinsic function, a map built by Fn::If) leaves every parameter Unknown.
  const Node* passed = parent_resource_->property("Parameters");
  std::optional<Value> result;
  if (passed != nullptr &&
      (!passed->is_mapping() ||
       (passed->pairs.size() == 1 &&
        (passed->single_key() == "Ref" || passed->single_key().starts_with("Fn::"))))) {
    result = Value::unknown(passed);
  } else if (const Node* node = passed != nullptr ? passed->get(parameter.id) : nullptr) {
    // A parameter the parent computes from the child's own outputs is a cycle: Unknown.
    if (!in_progress_.insert(&parameter).second) return Value::unknown(node);
    Value value = from_stack(parent_->resolver_.resolve(node), parent_);
    in_progress_.erase(&parameter);
    result = as_passed(parameter, std::move(value));
  }
  from_parent_.emplace(&parameter, result);
  return result;
}

std::optional<std::string> Stack::stack_name() const {
  if (name_.empty()) return std::nullopt;
  return name_;
}

Value Stack::import_value(std::string_view name, const Node* at) const {
  const Export* exported = set_.find_export(name);
  if (exported == nullptr) return Value::unknown(at);
  return set_.output_value(*exported);
}

Value Stack::import_list(std::string_view name, std::string_view delimiter, const Node* at) const {
  const Export* exported = set_.find_export(name);
  if (exported == nullptr || delimiter.empty()) return Value::unknown(at);
  const Node* value = exported->output->node->get("Value");
  if (value == nullptr || value->single_key() != "Fn::Join") return Value::unknown(at);
  const Node* arg = value->pairs[0].value;
  if (!arg->is_sequence() || arg->items.size() != 2 || !arg->items[0]->is_scalar() ||
      arg->items[0]->text != delimiter) {
    return Value::unknown(at);
  }
  const Stack& from = *exported->stack;
  Value joined = from.resolver_.resolve(arg->items[1]);
  if (joined.kind != ValueKind::List) return Value::unknown(at);
  Value list;
  list.kind = ValueKind::List;
  list.node = joined.node;
  for (Value& item : joined.items) {
    // A resource's id holds no delimiter; a text may, and then it is several items.
    if (item.kind == ValueKind::ResourceRef) {
      list.items.push_back(std::move(item));
    } else if (item.kind == ValueKind::Scalar && item.text.find(delimiter) == std::string::npos) {
      list.items.push_back(std::move(item));
    } else {
      return Value::unknown(at);
    }
  }
  return from_stack(std::move(list), &from);
}

Value Stack::nested_output(const Resource& stack, std::string_view output, const Node* at) const {
  for (const Stack* child : children_) {
    if (child->parent_resource_ != &stack) continue;
    for (const Declaration& declared : child->template_.outputs()) {
      if (declared.id == output) return set_.output_of(*child, declared, at);
    }
    return Value::unknown(at);
  }
  return Value::unknown(at);
}

const Resolver* Stack::resolver_of(const Stack* origin) const {
  return origin != nullptr ? &origin->resolver_ : nullptr;
}

const Network* Stack::network_of(const Stack* origin) const {
  return origin != nullptr ? &origin->network() : nullptr;
}

Stack* StackSet::add(std::string file, const Template& tmpl, std::string name) {
  if (stacks_.size() >= kMaxStacks) return nullptr;
  bool known = std::any_of(documents_.begin(), documents_.end(),
                           [&](const auto& document) { return document.first == tmpl.root(); });
  if (!known) documents_.emplace_back(tmpl.root(), file);
  indexed_ = false;
  return &stacks_.emplace_back(*this, std::move(file), tmpl, std::move(name));
}

bool StackSet::nesting_cut(const Stack& parent, std::string_view file) {
  if (parent.depth_ + 1 > kMaxNestingDepth) return true;
  for (const Stack* stack = &parent; stack != nullptr; stack = stack->parent_) {
    if (stack->file_ == file) return true;
  }
  return false;
}

Stack* StackSet::add_nested(Stack& parent, const Resource& resource, std::string file,
                            const Template& tmpl) {
  if (nesting_cut(parent, file)) return nullptr;
  Stack* child = add(std::move(file), tmpl, "");
  if (child == nullptr) return nullptr;
  child->parent_ = &parent;
  child->parent_resource_ = &resource;
  child->depth_ = parent.depth_ + 1;
  parent.children_.push_back(child);
  return child;
}

void StackSet::link() {
  for (const Stack& stack : stacks_) {
    for (const Declaration& output : stack.template_.outputs()) {
      const Node* exported = output.node->is_mapping() ? output.node->get("Export") : nullptr;
      if (exported == nullptr) continue;
      const Node* name = exported->is_mapping() ? exported->get("Name") : nullptr;
      Value resolved = name != nullptr ? stack.resolver_.resolve(name) : Value::unknown();
      if (resolved.kind != ValueKind::Scalar) {
        unknown_export_ = true;
        continue;
      }
      exports_.push_back({resolved.text, &stack, &output, name});
    }
  }
  for (const Export& exported : exports_) by_name_[exported.name].push_back(&exported);
  for (const Export& exported : exports_) {
    const std::vector<const Export*>& named = by_name_.at(exported.name);
    if (named[0] != &exported) duplicates_[exported.stack].emplace_back(&exported, named[0]);
  }
  // What was resolved while the exports were not yet known may have missed an import.
  outputs_.clear();
  for (Stack& stack : stacks_) stack.from_parent_.clear();
  linked_ = true;
}

const Export* StackSet::find_export(std::string_view name) const {
  if (!linked_) return nullptr;
  auto it = by_name_.find(std::string(name));
  // A name exported twice is refused by CloudFormation (T060): which one is meant is unknown.
  if (it == by_name_.end() || it->second.size() != 1) return nullptr;
  return it->second[0];
}

Value StackSet::output_value(const Export& exported) const {
  return output_of(*exported.stack, *exported.output, exported.name_node);
}

Value StackSet::output_of(const Stack& stack, const Declaration& output, const Node* at) const {
  std::pair<const Stack*, const Node*> key{&stack, output.node};
  if (auto it = outputs_.find(key); it != outputs_.end()) return it->second;
  if (!in_progress_.insert(key).second) return Value::unknown(at);  // stacks importing in a cycle
  const Node* value = output.node->is_mapping() ? output.node->get("Value") : nullptr;
  Value result =
      value != nullptr ? from_stack(stack.resolver_.resolve(value), &stack) : Value::unknown(at);
  in_progress_.erase(key);
  outputs_.emplace(key, result);
  return result;
}

const std::vector<std::pair<const Export*, const Export*>>& StackSet::duplicate_exports(
    const Stack& stack) const {
  static const std::vector<std::pair<const Export*, const Export*>> kNone;
  auto it = duplicates_.find(&stack);
  return it == duplicates_.end() ? kNone : it->second;
}

namespace {

// The Fn::ImportValue nodes that are evaluated whenever their resource or output is: not under
// Fn::If, whose other branch may be the one taken.
void collect_imports(const Node* node, std::vector<const Node*>& out) {
  std::vector<const Node*> pending{node};
  while (!pending.empty()) {
    const Node* current = pending.back();
    pending.pop_back();
    if (current == nullptr) continue;
    std::string_view key = current->single_key();
    if (key == "Fn::ImportValue") {
      out.push_back(current);
      continue;
    }
    if (key == "Fn::If") continue;
    for (const Node* item : current->items) pending.push_back(item);
    for (const load::Pair& pair : current->pairs) pending.push_back(pair.value);
  }
}

}  // namespace

std::vector<MissingImport> StackSet::missing_imports(const Stack& stack) const {
  std::vector<MissingImport> missing;
  if (!complete_ || unknown_export_ || !linked_ || stack.template_.may_generate_names()) {
    return missing;
  }
  std::vector<const Node*> imports;
  for (const Resource& resource : stack.template_.resources()) {
    if (resource.condition == nullptr) collect_imports(resource.node, imports);
  }
  for (const Declaration& output : stack.template_.outputs()) {
    if (output.node->is_mapping() && output.node->get("Condition") == nullptr) {
      collect_imports(output.node->get("Value"), imports);
    }
  }
  for (const Node* import : imports) {
    Value name = stack.resolver_.resolve(import->pairs[0].value);
    if (name.kind != ValueKind::Scalar || by_name_.count(name.text) > 0) continue;
    missing.push_back({name.text, import});
  }
  return missing;
}

void StackSet::add_document(const Node* root, std::string file) {
  documents_.emplace_back(root, std::move(file));
  indexed_ = false;
}

std::string_view StackSet::file_of(const Node* node) const {
  if (node == nullptr) return {};
  if (!indexed_) {
    // Every node (keys too) with its document, sorted by address: one array, where a hash map
    // took an allocation per node. A shared node (an alias's target, a merged pair's value) is
    // walked once per document.
    node_files_.clear();
    std::unordered_set<const Node*> shared;
    std::vector<const Node*> pending;
    for (uint32_t i = 0; i < documents_.size(); ++i) {
      shared.clear();
      pending.assign(1, documents_[i].first);
      while (!pending.empty()) {
        const Node* current = pending.back();
        pending.pop_back();
        if (current == nullptr || (current->shared && !shared.insert(current).second)) continue;
        node_files_.emplace_back(current, i);
        for (const Node* item : current->items) pending.push_back(item);
        for (const load::Pair& pair : current->pairs) {
          node_files_.emplace_back(pair.key, i);
          pending.push_back(pair.value);
        }
      }
    }
    // By address, then by document: the first document that holds a node is its file.
    std::sort(node_files_.begin(), node_files_.end());
    indexed_ = true;
  }
  auto it = std::lower_bound(node_files_.begin(), node_files_.end(), node,
                             [](const auto& entry, const Node* n) { return entry.first < n; });
  return it == node_files_.end() || it->first != node ? std::string_view()
                                                      : documents_[it->second].second;
}

std::optional<std::string> StackSet::nested_template_path(const Resolver& resolver,
                                                          const Resource& resource) {
  if (!is_nested_stack_type(resource.type)) return std::nullopt;
  Value location = resolver.property(resource, nested_template_property(resource.type));
  // A serverless application from the Serverless Application Repository is a mapping.
  if (location.kind != ValueKind::Scalar || location.text.empty()) return std::nullopt;
  std::string_view text = location.text;
  if (is_remote_template(text)) return std::nullopt;
  if (text.starts_with("file://")) text.remove_prefix(7);
  return std::string(text);
}

}  // namespace stacklint::graph
