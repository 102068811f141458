// graph: the template's declarations as nodes and every reference between them as an edge.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "load/node.h"

namespace stacklint::graph {

using load::Node;
using load::Range;

enum class Section : uint8_t { Parameter, Resource, Condition, Mapping, Output, Rules };

// The names below (ids, types, edge targets) are views of the tree's texts or of the Template's
// own storage, not copies: valid while the Template and its tree are (the Template already
// points into the tree). A copied Declaration or Edge owns copies of its names.
struct Declaration {
  load::Text id;
  const Node* key = nullptr;   // the logical id as written
  const Node* node = nullptr;  // its definition
};

struct Parameter : Declaration {
  load::Text type;
  const Node* default_value = nullptr;
};

struct Resource : Declaration {
  load::Text type;  // "AWS::EC2::Subnet"; empty when missing or not a string
  const Node* properties = nullptr;
  const Node* condition = nullptr;
  const Node* depends_on = nullptr;
  const Node* metadata = nullptr;
  const Node* deletion_policy = nullptr;
  const Node* update_replace_policy = nullptr;

  // The value of a property (first segment of the path), or nullptr.
  const Node* property(std::string_view name) const;
};

enum class EdgeKind : uint8_t { Ref, GetAtt, Sub, DependsOn, Condition, FindInMap };

std::string_view to_string(EdgeKind kind);

enum class TargetKind : uint8_t {
  Resource,
  Parameter,
  Pseudo,  // AWS::Region and friends
  Condition,
  Mapping,
  SubVariable,  // a name defined in the Fn::Sub's own variable map
  Undefined,
};

// Where a reference is written from: a declaration in some section.
struct Owner {
  Section section;
  uint32_t index;
};

struct Edge {
  EdgeKind kind;
  Owner from;
  load::Text target;     // the name referred to
  load::Text attribute;  // for GetAtt and ${X.Attr}
  TargetKind target_kind = TargetKind::Undefined;
  uint32_t target_index = 0;  // index into the target's section, when defined
  const Node* at = nullptr;   // the node that names the target
  Range range;                // exactly where the name is written
  // Fn::Sub, Fn::FindInMap and Fn::GetAtt: the function's whole argument (the variable map, the
  // keys, the [name, attribute] list or "name.attribute" scalar).
  const Node* arg = nullptr;
};

bool is_pseudo_parameter(std::string_view name);
// AWS::AccountId, AWS::Region, ...: every pseudo parameter's name.
std::vector<std::string_view> pseudo_parameters();

class Template {
 public:
  // Builds the declarations and edges of a loaded tree. `root` must be a mapping.
  explicit Template(const Node* root);

  const Node* root() const { return root_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }
  const std::vector<Resource>& resources() const { return resources_; }
  const std::vector<Declaration>& conditions() const { return conditions_; }
  const std::vector<Declaration>& mappings() const { return mappings_; }
  const std::vector<Declaration>& outputs() const { return outputs_; }
  const std::vector<Edge>& edges() const { return edges_; }

  const Resource* resource(std::string_view id) const;
  const Parameter* parameter(std::string_view id) const;
  const Declaration* condition(std::string_view id) const;
  const Declaration* mapping(std::string_view id) const;
  // Resources of one type, in template order.
  std::vector<const Resource*> resources_of_type(std::string_view type) const;
  // Edges that point at a resource, and those written inside one (indexes into edges(), in
  // increasing order).
  std::span<const uint32_t> edges_to(const Resource& resource) const;
  std::span<const uint32_t> edges_from(const Resource& resource) const;
  uint32_t index_of(const Resource& resource) const {
    return static_cast<uint32_t>(&resource - resources_.data());
  }

  // The Transform section's names (SAM, AWS::LanguageExtensions, macros).
  const std::vector<std::string>& transforms() const { return transforms_; }
  bool has_transform() const { return !transforms_.empty(); }
  // Fn::Transform or Fn::ForEach somewhere, or a Transform section: names may be generated.
  bool may_generate_names() const { return has_transform() || has_inline_macro_; }
  // A macro (a Transform other than SAM and AWS::LanguageExtensions, Fn::Transform), a
  // Fn::ForEach loop or a preprocessor's computed Type may add resources of any type. The SAM
  // transform adds only what its own resources expand to (functions, APIs, roles, ...): never DB
  // instances, NAT gateways or routes.
  bool may_add_resources() const;

 private:
  void collect_declarations();
  void collect_edges();
  void walk(const Node* node, Owner owner, const Node* sub_variables);
  void add_edge(EdgeKind kind, Owner owner, load::Text target, load::Text attribute, const Node* at,
                Range range);
  // `text` (a part of a scalar, so not followed by a NUL) copied NUL-terminated into blocks
  // owned here: one allocation per block of names, not one per name.
  load::Text keep(std::string_view text);
  // Ref edges for a Rules function that names parameters by name (Fn::ValueOf) or by type
  // (Fn::RefAll, Fn::ValueOfAll).
  void add_rule_edges(Owner owner, const Node* name, bool by_name);
  void resolve_targets();

  const Node* root_;
  std::vector<Parameter> parameters_;
  std::vector<Resource> resources_;
  std::vector<Declaration> conditions_;
  std::vector<Declaration> mappings_;
  std::vector<Declaration> outputs_;
  std::vector<Edge> edges_;
  std::vector<std::string> transforms_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // keep()'s
  char* free_ = nullptr;                         // the free room of the last block
  size_t room_ = 0;
  bool has_inline_macro_ = false;
  bool has_computed_type_ = false;
  std::unordered_map<std::string_view, uint32_t> resource_index_;
  std::unordered_map<std::string_view, uint32_t> parameter_index_;
  // Built when a Rules function first names a parameter type (add_rule_edges).
  std::unordered_map<std::string, std::vector<uint32_t>> parameters_by_type_;
  std::unordered_map<std::string_view, uint32_t> condition_index_;
  std::unordered_map<std::string_view, uint32_t> mapping_index_;
  // Per resource, its edges as a range of one flat array (resource i's are
  // [starts[i], starts[i + 1])): two allocations per template, not two per resource.
  struct EdgeIndex {
    std::vector<uint32_t> starts;
    std::vector<uint32_t> edges;
    std::span<const uint32_t> of(uint32_t resource) const;
  };
  EdgeIndex edges_to_resource_;
  EdgeIndex edges_from_resource_;
};

}  // namespace stacklint::graph
