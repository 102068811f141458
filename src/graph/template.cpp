#include "graph/template.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

namespace stacklint::graph {

namespace {

constexpr std::array<std::string_view, 8> kPseudoParameters = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",   "AWS::Partition",
    "AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix"};

// A view of a whole scalar's text (NUL-terminated, as the tree's texts are), or of its tail.
load::Text view(const load::Text& text, size_t from = 0) {
  return load::Text::borrow(text.data() + from, text.size() - from);
}

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string_view to_string(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::Ref:
      return "Ref";
    case EdgeKind::GetAtt:
      return "Fn::GetAtt";
    case EdgeKind::Sub:
      return "Fn::Sub";
    case EdgeKind::DependsOn:
      return "DependsOn";
    case EdgeKind::Condition:
      return "Condition";
    case EdgeKind::FindInMap:
      return "Fn::FindInMap";
  }
  return "";
}

bool is_pseudo_parameter(std::string_view name) {
  return std::find(kPseudoParameters.begin(), kPseudoParameters.end(), name) !=
         kPseudoParameters.end();
}

std::vector<std::string_view> pseudo_parameters() {
  return {kPseudoParameters.begin(), kPseudoParameters.end()};
}

const Node* Resource::property(std::string_view name) const {
  return properties != nullptr && properties->is_mapping() ? properties->get(name) : nullptr;
}

Template::Template(const Node* root) : root_(root) {
  collect_declarations();
  collect_edges();
  resolve_targets();
}

void Template::collect_declarations() {
  if (root_ == nullptr || !root_->is_mapping()) return;
  for (const load::Pair& section : root_->pairs) {
    std::string_view name = section.key->text;
    const Node* body = section.value;
    if (name == "Transform") {
      if (body->is_scalar()) transforms_.push_back(body->text);
      // One macro given as a mapping: Transform: {Name: AWS::Include, Parameters: ...}.
      if (const Node* macro = body->is_mapping() ? body->get("Name") : nullptr;
          macro != nullptr && macro->is_scalar()) {
        transforms_.push_back(macro->text);
      }
      for (const Node* item : body->items) {
        if (item->is_scalar()) transforms_.push_back(item->text);
        // A macro given as {Name: X, Parameters: ...}.
        if (const Node* macro = item->is_mapping() ? item->get("Name") : nullptr;
            macro != nullptr && macro->is_scalar()) {
          transforms_.push_back(macro->text);
        }
      }
      continue;
    }
    if (!body->is_mapping()) continue;
    // Room for the section's declarations at once: no regrowth, no rehashing.
    auto room = [count = body->pairs.size()](auto& declarations, auto* index) {
      declarations.reserve(declarations.size() + count);
      if (index != nullptr) index->reserve(index->size() + count);
    };
    using Index = decltype(resource_index_);
    if (name == "Parameters") {
      room(parameters_, &parameter_index_);
    } else if (name == "Resources") {
      room(resources_, &resource_index_);
    } else if (name == "Conditions") {
      room(conditions_, &condition_index_);
    } else if (name == "Mappings") {
      room(mappings_, &mapping_index_);
    } else if (name == "Outputs") {
      room(outputs_, static_cast<Index*>(nullptr));
    } else {
      continue;  // no declarations in other sections
    }
    for (const load::Pair& pair : body->pairs) {
      std::string_view id = pair.key->text;
      if (name == "Parameters") {
        Parameter parameter;
        parameter.id = view(pair.key->text), parameter.key = pair.key, parameter.node = pair.value;
        if (pair.value->is_mapping()) {
          if (const Node* type = pair.value->get("Type"); type != nullptr && type->is_scalar()) {
            parameter.type = view(type->text);
          }
          parameter.default_value = pair.value->get("Default");
        }
        parameter_index_.emplace(pair.key->text, static_cast<uint32_t>(parameters_.size()));
        parameters_.push_back(std::move(parameter));
      } else if (name == "Resources") {
        if (id.starts_with("Fn::ForEach::")) {
          has_inline_macro_ = true;
          continue;
        }
        Resource resource;
        resource.id = view(pair.key->text), resource.key = pair.key, resource.node = pair.value;
        if (const Node* def = pair.value; def->is_mapping()) {
          // One pass over the attributes, the first of a repeated one winning (as Node::get).
          const Node* type = nullptr;
          for (const load::Pair& attribute : def->pairs) {
            std::string_view key = attribute.key->text;
            const Node** slot = key == "Type"                  ? &type
                                : key == "Properties"          ? &resource.properties
                                : key == "Condition"           ? &resource.condition
                                : key == "DependsOn"           ? &resource.depends_on
                                : key == "Metadata"            ? &resource.metadata
                                : key == "DeletionPolicy"      ? &resource.deletion_policy
                                : key == "UpdateReplacePolicy" ? &resource.update_replace_policy
                                                               : nullptr;
            if (slot != nullptr && *slot == nullptr) *slot = attribute.value;
          }
          if (type != nullptr && type->is_scalar()) {
            resource.type = view(type->text);
          } else if (type != nullptr && type->is_mapping()) {
            has_computed_type_ = true;
          }
        }
        resource_index_.emplace(pair.key->text, static_cast<uint32_t>(resources_.size()));
        resources_.push_back(std::move(resource));
      } else if (name == "Conditions") {
        condition_index_.emplace(pair.key->text, static_cast<uint32_t>(conditions_.size()));
        conditions_.push_back({view(pair.key->text), pair.key, pair.value});
      } else if (name == "Mappings") {
        mapping_index_.emplace(pair.key->text, static_cast<uint32_t>(mappings_.size()));
        mappings_.push_back({view(pair.key->text), pair.key, pair.value});
      } else if (name == "Outputs") {
        outputs_.push_back({view(pair.key->text), pair.key, pair.value});
      }
    }
  }
}

void Template::add_edge(EdgeKind kind, Owner owner, load::Text target, load::Text attribute,
                        const Node* at, Range range) {
  Edge edge;
  edge.kind = kind;
  edge.from = owner;
  edge.target = std::move(target);
  edge.attribute = std::move(attribute);
  edge.at = at;
  edge.range = range;
  edges_.push_back(std::move(edge));
}

load::Text Template::keep(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() + 1 > room_) {
    // Blocks double from 512 bytes to 64 KB; a longer name gets a block of its own.
    size_t size = std::max(text.size() + 1, std::min<size_t>(512 << blocks_.size(), 64 << 10));
    blocks_.push_back(std::make_unique<char[]>(size));
    free_ = blocks_.back().get(), room_ = size;
  }
  char* copy = free_;
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  free_ += text.size() + 1, room_ -= text.size() + 1;
  return load::Text::borrow(copy, text.size());
}

namespace {

// Names in a Fn::Sub string: ${Name} and ${Name.Attr}; ${!Text} is literal text.
struct SubReference {
  std::string_view name;
  std::string_view attribute;
  size_t offset;  // of the name, in bytes from the string's start
  size_t length;
};

// Calls `found(SubReference)` for each name, in order.
template <typename Found>
void sub_references(std::string_view text, Found found) {
  size_t i = 0;
  while ((i = text.find("${", i)) != std::string_view::npos) {
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) break;
    std::string_view inside = text.substr(i + 2, close - i - 2);
    if (!inside.empty() && inside[0] != '!') {
      // Leading and trailing blanks are allowed inside ${ }.
      size_t first = inside.find_first_not_of(" \t");
      size_t last = inside.find_last_not_of(" \t");
      if (first != std::string_view::npos) {
        std::string_view name = inside.substr(first, last - first + 1);
        SubReference ref;
        size_t dot = name.find('.');
        // AWS::Region has no dot; a resource attribute such as DB.Endpoint.Address does.
        ref.name = name.substr(0, dot);
        if (dot != std::string_view::npos) ref.attribute = name.substr(dot + 1);
        ref.offset = i + 2 + first;
        ref.length = name.size();
        found(ref);
      }
    }
    i = close + 1;
  }
}

// Ranges of pieces of a scalar's text, when the scalar is written on one line without escapes
// (so text and source agree); else the scalar's own range. Pieces are asked for in increasing
// offset order and code points are counted from the previous piece on, so that an Fn::Sub with
// many variables stays linear.
class InnerRanges {
 public:
  explicit InnerRanges(const Node* scalar) : scalar_(scalar) {
    const Range& r = scalar->range;
    quote_ = scalar->style == load::ScalarStyle::Quoted ? 1 : 0;
    exact_ = r.begin.line == r.end.line &&
             r.end.column - r.begin.column == code_points(scalar->text) + 2 * quote_;
    column_ = r.begin.column + quote_;
  }
  Range at(size_t offset, size_t length) {
    if (!exact_ || offset < offset_) return scalar_->range;
    std::string_view text = scalar_->text;
    column_ += static_cast<uint32_t>(code_points(text.substr(offset_, offset - offset_)));
    offset_ = offset;
    Range inner;
    inner.begin = {scalar_->range.begin.line, column_};
    inner.end = {scalar_->range.begin.line,
                 static_cast<uint32_t>(column_ + code_points(text.substr(offset, length)))};
    return inner;
  }

 private:
  const Node* scalar_;
  uint32_t quote_ = 0;
  bool exact_ = false;
  size_t offset_ = 0;    // the text up to here is counted in column_
  uint32_t column_ = 0;  // where the text at offset_ is written
};

// Only mappings and sequences can hold a reference: the scalars (most nodes) are not worth a
// call each.
bool holds_references(const Node* node) {
  return node != nullptr && (node->is_mapping() || node->is_sequence());
}

Range range_inside(const Node* scalar, size_t offset, size_t length) {
  return InnerRanges(scalar).at(offset, length);
}

}  // namespace

void Template::walk(const Node* node, Owner owner, const Node* sub_variables) {
  if (node == nullptr) return;
  if (node->is_sequence()) {
    for (const Node* item : node->items) {
      if (holds_references(item)) walk(item, owner, sub_variables);
    }
    return;
  }
  if (!node->is_mapping()) return;
  // Every function's name starts with R (Ref), F (Fn::) or C (Condition): other keys skip
  // the comparisons below.
  if (char first = node->pairs.size() == 1 && !node->pairs[0].key->text.empty()
                       ? node->pairs[0].key->text[0]
                       : '\0';
      first == 'R' || first == 'F' || first == 'C') {
    const std::string& fn = node->pairs[0].key->text;
    const Node* arg = node->pairs[0].value;
    if (fn == "Ref") {
      if (arg->is_scalar()) {
        add_edge(EdgeKind::Ref, owner, view(arg->text), {}, arg, arg->range);
      } else {
        walk(arg, owner, sub_variables);
      }
      return;
    }
    if (fn == "Fn::GetAtt") {
      if (arg->is_sequence() && !arg->items.empty() && arg->items[0]->is_scalar()) {
        const Node* name = arg->items[0];
        load::Text attribute;
        if (arg->items.size() > 1 && arg->items[1]->is_scalar()) {
          attribute = view(arg->items[1]->text);
        }
        add_edge(EdgeKind::GetAtt, owner, view(name->text), std::move(attribute), name,
                 name->range);
        edges_.back().arg = arg;
        for (size_t i = 1; i < arg->items.size(); ++i) walk(arg->items[i], owner, sub_variables);
      } else if (arg->is_scalar()) {
        size_t dot = arg->text.find('.');
        add_edge(EdgeKind::GetAtt, owner,
                 dot == std::string::npos ? view(arg->text)
                                          : keep(std::string_view(arg->text).substr(0, dot)),
                 dot == std::string::npos ? load::Text() : view(arg->text, dot + 1), arg,
                 range_inside(arg, 0, std::min(dot, arg->text.size())));
        edges_.back().arg = arg;
      } else {
        walk(arg, owner, sub_variables);
      }
      return;
    }
    if (fn == "Fn::Sub") {
      const Node* text = arg;
      const Node* variables = nullptr;
      if (arg->is_sequence() && !arg->items.empty()) {
        text = arg->items[0];
        if (arg->items.size() > 1) {
          variables = arg->items[1];
          walk(variables, owner, sub_variables);
        }
      }
      if (text->is_scalar()) {
        // Indexed once when there are many, so that many variables cost linear time.
        std::span<const load::Pair> pairs;
        if (variables != nullptr && variables->is_mapping()) pairs = variables->pairs;
        std::unordered_set<std::string_view> locals;
        if (pairs.size() > 8) {
          for (const load::Pair& pair : pairs) locals.insert(pair.key->text);
        }
        auto is_local = [&](std::string_view name) {
          if (pairs.size() > 8) return locals.count(name) > 0;
          return std::any_of(pairs.begin(), pairs.end(),
                             [&](const load::Pair& pair) { return pair.key->text == name; });
        };
        InnerRanges ranges(text);
        sub_references(text->text, [&](const SubReference& ref) {
          Range at = ranges.at(ref.offset, ref.length);
          bool local = is_local(ref.name);
          // The attribute, when there is one, ends before the "}": not a tail of the text.
          add_edge(EdgeKind::Sub, owner, keep(ref.name), keep(ref.attribute), text, at);
          edges_.back().arg = arg;
          if (local) edges_.back().target_kind = TargetKind::SubVariable;
        });
      } else {
        walk(text, owner, sub_variables);
      }
      return;
    }
    if (fn == "Fn::FindInMap") {
      if (arg->is_sequence() && !arg->items.empty() && arg->items[0]->is_scalar()) {
        add_edge(EdgeKind::FindInMap, owner, view(arg->items[0]->text), {}, arg->items[0],
                 arg->items[0]->range);
        edges_.back().arg = arg;
        for (size_t i = 1; i < arg->items.size(); ++i) walk(arg->items[i], owner, sub_variables);
      } else {
        walk(arg, owner, sub_variables);
      }
      return;
    }
    if (fn == "Fn::If") {
      if (arg->is_sequence() && !arg->items.empty() && arg->items[0]->is_scalar()) {
        add_edge(EdgeKind::Condition, owner, view(arg->items[0]->text), {}, arg->items[0],
                 arg->items[0]->range);
        for (size_t i = 1; i < arg->items.size(); ++i) walk(arg->items[i], owner, sub_variables);
      } else {
        walk(arg, owner, sub_variables);
      }
      return;
    }
    // The Rules section's own functions name parameters as plain text: Fn::ValueOf by name,
    // Fn::RefAll and Fn::ValueOfAll by type (every parameter of that type). Each is a use.
    if (fn == "Fn::ValueOf" || fn == "Fn::RefAll" || fn == "Fn::ValueOfAll") {
      const Node* name = arg->is_sequence() && !arg->items.empty() ? arg->items[0] : arg;
      if (name->is_scalar()) {
        add_rule_edges(owner, name, fn == "Fn::ValueOf");
      } else {
        walk(name, owner, sub_variables);
      }
      if (arg->is_sequence()) {
        for (size_t i = 1; i < arg->items.size(); ++i) walk(arg->items[i], owner, sub_variables);
      }
      return;
    }
    if (fn == "Condition" && arg->is_scalar() && owner.section == Section::Condition) {
      add_edge(EdgeKind::Condition, owner, view(arg->text), {}, arg, arg->range);
      return;
    }
    if (fn == "Fn::Transform") has_inline_macro_ = true;
  }
  for (const load::Pair& pair : node->pairs) {
    if (pair.key->text.starts_with("Fn::ForEach::")) has_inline_macro_ = true;
    if (holds_references(pair.value)) walk(pair.value, owner, sub_variables);
  }
}

void Template::add_rule_edges(Owner owner, const Node* name, bool by_name) {
  // Only declared parameters get an edge: whether CloudFormation accepts a name or type that
  // matches none is not documented, so it is not reported as undefined.
  if (by_name) {
    if (parameter_index_.count(name->text) != 0)
      add_edge(EdgeKind::Ref, owner, view(name->text), {}, name, name->range);
    return;
  }
  // Indexed on first use: the Rules functions that name a type are rare.
  if (parameters_by_type_.empty()) {
    for (uint32_t i = 0; i < parameters_.size(); ++i) {
      parameters_by_type_[std::string(parameters_[i].type)].push_back(i);
    }
  }
  if (auto it = parameters_by_type_.find(name->text); it != parameters_by_type_.end()) {
    for (uint32_t index : it->second)
      add_edge(EdgeKind::Ref, owner, view(parameters_[index].id), {}, name, name->range);
  }
}

void Template::collect_edges() {
  for (uint32_t i = 0; i < resources_.size(); ++i) {
    const Resource& resource = resources_[i];
    Owner owner{Section::Resource, i};
    if (resource.node == nullptr || !resource.node->is_mapping()) continue;
    for (const load::Pair& pair : resource.node->pairs) {
      std::string_view attribute = pair.key->text;
      if (attribute == "Condition") {
        if (pair.value->is_scalar()) {
          add_edge(EdgeKind::Condition, owner, view(pair.value->text), {}, pair.value,
                   pair.value->range);
        }
      } else if (attribute == "DependsOn") {
        const Node* value = pair.value;
        if (value->is_scalar()) {
          add_edge(EdgeKind::DependsOn, owner, view(value->text), {}, value, value->range);
        }
        for (const Node* item : value->items) {
          if (item->is_scalar())
            add_edge(EdgeKind::DependsOn, owner, view(item->text), {}, item, item->range);
        }
      } else if (attribute != "Type") {
        walk(pair.value, owner, nullptr);
      }
    }
  }
  for (uint32_t i = 0; i < conditions_.size(); ++i) {
    walk(conditions_[i].node, {Section::Condition, i}, nullptr);
  }
  for (uint32_t i = 0; i < outputs_.size(); ++i) {
    const Node* output = outputs_[i].node;
    Owner owner{Section::Output, i};
    if (output == nullptr || !output->is_mapping()) continue;
    for (const load::Pair& pair : output->pairs) {
      if (pair.key->text == "Condition" && pair.value->is_scalar()) {
        add_edge(EdgeKind::Condition, owner, view(pair.value->text), {}, pair.value,
                 pair.value->range);
      } else {
        walk(pair.value, owner, nullptr);
      }
    }
  }
  if (root_ != nullptr && root_->is_mapping()) {
    if (const Node* rules = root_->get("Rules")) walk(rules, {Section::Rules, 0}, nullptr);
  }
}

void Template::resolve_targets() {
  for (uint32_t e = 0; e < edges_.size(); ++e) {
    Edge& edge = edges_[e];
    if (edge.target_kind == TargetKind::Undefined) {
      auto find = [&](const auto& index, TargetKind kind) {
        auto it = index.find(edge.target);
        if (it == index.end()) return false;
        edge.target_kind = kind;
        edge.target_index = it->second;
        return true;
      };
      switch (edge.kind) {
        case EdgeKind::Ref:
        case EdgeKind::Sub:
          if (edge.attribute.empty() && find(parameter_index_, TargetKind::Parameter)) break;
          if (find(resource_index_, TargetKind::Resource)) break;
          if (edge.attribute.empty() && is_pseudo_parameter(edge.target)) {
            edge.target_kind = TargetKind::Pseudo;
          }
          break;
        case EdgeKind::GetAtt:
        case EdgeKind::DependsOn:
          find(resource_index_, TargetKind::Resource);
          break;
        case EdgeKind::Condition:
          find(condition_index_, TargetKind::Condition);
          break;
        case EdgeKind::FindInMap:
          find(mapping_index_, TargetKind::Mapping);
          break;
      }
    }
  }
  // Counted, then placed (a counting sort by resource): each resource's edges stay in edge
  // order. While placing, starts[i] is resource i's next free place; it ends as the start of
  // resource i + 1, and the table is shifted back by one.
  EdgeIndex& to = edges_to_resource_;
  EdgeIndex& from = edges_from_resource_;
  to.starts.assign(resources_.size() + 1, 0);
  from.starts.assign(resources_.size() + 1, 0);
  for (const Edge& edge : edges_) {
    if (edge.target_kind == TargetKind::Resource) ++to.starts[edge.target_index + 1];
    if (edge.from.section == Section::Resource) ++from.starts[edge.from.index + 1];
  }
  for (size_t i = 0; i < resources_.size(); ++i) {
    to.starts[i + 1] += to.starts[i];
    from.starts[i + 1] += from.starts[i];
  }
  to.edges.resize(to.starts.back());
  from.edges.resize(from.starts.back());
  for (uint32_t e = 0; e < edges_.size(); ++e) {
    const Edge& edge = edges_[e];
    if (edge.target_kind == TargetKind::Resource) to.edges[to.starts[edge.target_index]++] = e;
    if (edge.from.section == Section::Resource) from.edges[from.starts[edge.from.index]++] = e;
  }
  for (EdgeIndex* index : {&to, &from}) {
    std::vector<uint32_t>& starts = index->starts;
    for (size_t i = starts.size() - 1; i > 0; --i) starts[i] = starts[i - 1];
    starts[0] = 0;
  }
}

std::span<const uint32_t> Template::EdgeIndex::of(uint32_t resource) const {
  if (resource + size_t{1} >= starts.size()) return {};
  return std::span<const uint32_t>(edges).subspan(starts[resource],
                                                  starts[resource + 1] - starts[resource]);
}

bool Template::may_add_resources() const {
  for (const std::string& transform : transforms_) {
    if (transform != "AWS::Serverless-2016-10-31" && transform != "AWS::LanguageExtensions")
      return true;
  }
  return has_inline_macro_ || has_computed_type_;
}

const Resource* Template::resource(std::string_view id) const {
  auto it = resource_index_.find(id);
  return it == resource_index_.end() ? nullptr : &resources_[it->second];
}

const Parameter* Template::parameter(std::string_view id) const {
  auto it = parameter_index_.find(id);
  return it == parameter_index_.end() ? nullptr : &parameters_[it->second];
}

const Declaration* Template::condition(std::string_view id) const {
  auto it = condition_index_.find(id);
  return it == condition_index_.end() ? nullptr : &conditions_[it->second];
}

const Declaration* Template::mapping(std::string_view id) const {
  auto it = mapping_index_.find(id);
  return it == mapping_index_.end() ? nullptr : &mappings_[it->second];
}

std::vector<const Resource*> Template::resources_of_type(std::string_view type) const {
  std::vector<const Resource*> found;
  for (const Resource& resource : resources_) {
    if (resource.type == type) found.push_back(&resource);
  }
  return found;
}

std::span<const uint32_t> Template::edges_to(const Resource& resource) const {
  return edges_to_resource_.of(index_of(resource));
}

std::span<const uint32_t> Template::edges_from(const Resource& resource) const {
  return edges_from_resource_.of(index_of(resource));
}

}  // namespace stacklint::graph
