// The value resolver: turns a property into what the template proves about it. Rules ask the
// resolver; they never interpret intrinsic functions themselves.
//
// Work is bounded by the template: values reached by indirection (a parameter, a mapping entry,
// another resource's property) are computed once and remembered; strings longer than
// kMaxStringLength are Unknown; each top-level resolution (resolve, property, attribute) takes at
// most per_resolution steps (a node visited, or a byte of text built or copied), a multiple of
// the template's size, so one expensive value never costs another its answer; and all
// resolutions together take at most `global` steps, kGlobalFactor times more, past which each
// resolution still gets `floor` steps, so a literal or a short chain is always resolved. A value
// cut off by a limit is Unknown and is listed in limited() (rule T007 reports it). Not
// thread-safe: one resolver serves one template on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/parameters.h"
#include "graph/template.h"
#include "graph/value.h"

namespace stacklint::graph {

class Network;
class Resolver;

// What a template's values need from the other templates of a run (graph/stack_set.h links
// them): the values passed for its parameters, its stack name, the outputs other stacks export
// and its nested stacks' outputs. Every value returned from another stack carries that stack as
// its `origin`. Answers Unknown (or nullopt) for whatever the run does not prove.
class Linker {
 public:
  virtual ~Linker() = default;
  // The stack this linker serves: values whose origin is it are the template's own.
  virtual const Stack* self() const = 0;
  // The value passed for a parameter (by the parent stack, or declared for the stack);
  // nullopt: nothing is passed, the Default applies.
  virtual std::optional<Value> parameter(const Parameter& parameter) const = 0;
  // AWS::StackName when the run declares it.
  virtual std::optional<std::string> stack_name() const = 0;
  // Fn::ImportValue of `name`: the exporting output's value, Unknown when no stack of the run
  // exports it.
  virtual Value import_value(std::string_view name, const Node* at) const = 0;
  // Fn::Split [delimiter, Fn::ImportValue name] when the export is an Fn::Join with the same
  // delimiter (a list of subnets exported as one string): the joined items, else Unknown.
  virtual Value import_list(std::string_view name, std::string_view delimiter,
                            const Node* at) const = 0;
  // Fn::GetAtt [Child, Outputs.Name] of a nested stack resource.
  virtual Value nested_output(const Resource& stack, std::string_view output,
                              const Node* at) const = 0;
  // The stack `origin` as the place a foreign value lives: its template, resolver, network.
  virtual const Resolver* resolver_of(const Stack* origin) const = 0;
  virtual const Network* network_of(const Stack* origin) const = 0;
};

// A resource of this template or of a linked stack, with the resolver that reads it.
struct LinkedResource {
  const Resource* resource = nullptr;
  const Resolver* resolver = nullptr;  // the resource's own template's resolver
  const Stack* stack = nullptr;        // null: this template
};

class Resolver {
 public:
  // The steps a resolution may take; see above. Computed from the template by default.
  struct Limits {
    size_t per_resolution;
    size_t global;
    size_t floor;
    // Bytes of remembered values handed out again (a parameter's Default read by each Ref):
    // past this, a copy larger than kSmallCopy is refused. What the rules keep of values is
    // then bounded by the template's size, not by its size times its references.
    size_t copies = SIZE_MAX;
  };
  // A value that a limit cut off, for T007: where, and which limit.
  struct Limited {
    const Node* at;
    bool string_length;  // false: the step allowance or, with `copies`, the copy allowance
    bool copies = false;
  };

  // per_resolution is kBudgetBase plus kBudgetPerUnit for each node and byte of the tree.
  // `supplied`: the values given to the stack's parameters (a parameter file, the command line,
  // a parent stack); each replaces its parameter's Default. Null: none, every parameter has its
  // Default. It must outlive the resolver and the values it returns.
  explicit Resolver(const Template& tmpl, const ParameterValues* supplied = nullptr);
  Resolver(const Template& tmpl, Limits limits, const ParameterValues* supplied = nullptr);
  static constexpr size_t kBudgetBase = size_t{16} << 20;
  static constexpr size_t kBudgetPerUnit = 64;
  static constexpr size_t kGlobalFactor = 16;
  static constexpr size_t kFloor = size_t{1} << 16;
  // copies is kBudgetBase plus kCopiesPerUnit for each node and byte of the tree.
  static constexpr size_t kCopiesPerUnit = 4;
  static constexpr size_t kSmallCopy = 4096;
  static Limits default_limits(const Template& tmpl);

  Value resolve(const Node* node) const;
  // A resource's property by dotted path ("VersioningConfiguration.Status"): Absent when the
  // template leaves it out.
  Value property(const Resource& resource, std::string_view path) const;
  // A resource attribute beside Properties ("DeletionPolicy", "Condition", ...).
  Value attribute(const Resource& resource, std::string_view name) const;

  // The resource a value refers to (Ref or GetAtt), when it is one resource of the template.
  const Resource* referenced_resource(const Value& value) const;
  // The same, also when the resource is one of a linked stack (value.origin).
  LinkedResource linked_resource(const Value& value) const;

  // Links the template into a run of several stacks (nullptr: alone, as by default). The linker
  // must outlive the resolver.
  void link(const Linker* linker) { linker_ = linker; }
  const Linker* linker() const { return linker_; }
  const Stack* stack() const { return linker_ != nullptr ? linker_->self() : nullptr; }

  const Template& tmpl() const { return template_; }
  // The values supplied for the stack's parameters; null when none were.
  const ParameterValues* supplied() const { return supplied_; }

  // Steps taken so far by all resolutions, and the limits; for tests and --stats.
  size_t steps() const { return steps_; }
  size_t budget() const { return limits_.global; }
  const Limits& limits() const { return limits_; }
  // The values that a limit made Unknown, once each, in the order met (deterministic).
  const std::vector<Limited>& limited() const { return limited_; }

 private:
  Value resolve_at(const Node* node, int depth) const;
  Value resolve_function(std::string_view fn, const Node* arg, const Node* at, int depth) const;
  Value resolve_ref(const Node* arg, const Node* at, int depth) const;
  Value resolve_getatt(const Node* arg, const Node* at, int depth) const;
  Value resolve_sub(const Node* arg, const Node* at, int depth) const;
  Value resolve_select(const Node* arg, const Node* at, int depth) const;
  Value resolve_join(const Node* arg, const Node* at, int depth) const;
  Value resolve_find_in_map(const Node* arg, const Node* at, int depth) const;
  Value resolve_cidr(const Node* arg, const Node* at, int depth) const;
  Value resolve_split(const Node* arg, const Node* at, int depth) const;
  // What the entries of a mapping are, for a Fn::FindInMap whose keys are decided at deploy
  // time: per top-level key, per second-level key, and over all. Built once per mapping.
  struct MappingShapes {
    std::unordered_map<std::string_view, ValueShape> by_top, by_second;
    ValueShape all = ValueShape::Absent;
  };
  const MappingShapes& mapping_shapes(const Node* mapping) const;
  Value parameter_value(const Parameter& parameter, const Node* at) const;
  // The parameter's value with no Ref applied: the supplied value, else the Default.
  Value value_of(const Parameter& parameter) const;
  Value literal_tree(const Node* node) const;
  // A part of a concatenation: literal text (Fn::Sub's, between its variables), or a value.
  struct Piece {
    std::string_view literal;
    const Value* value = nullptr;  // null: the literal
  };
  Value concatenate(std::span<const Piece> pieces, std::string_view separator,
                    const Node* at) const;
  template <typename Compute>
  Value remembered(const void* key, const Node* at, Compute compute) const;
  // Counts `steps`; false once this resolution's allowance is spent (noted in limited()).
  bool charge(size_t steps) const;
  void note_limited(const Node* at, bool string_length, bool copies = false) const;
  // Counts a copy of a remembered value of `weight` bytes; false once the copy allowance is
  // spent (noted in limited()).
  bool copy(size_t weight) const;

  // A value from the linker, charged as a copy of it costs.
  std::optional<Value> list_of_text(const Value& text) const;
  Value passed_parameter(std::string_view type, Value passed, const Node* at) const;
  Value linked(Value value, const Node* at) const;

  const Template& template_;
  Limits limits_;
  const Linker* linker_ = nullptr;
  const ParameterValues* supplied_;
  mutable size_t steps_ = 0;
  mutable size_t copied_ = 0;  // bytes of remembered values handed out again, past kSmallCopy
  // The current top-level resolution: its node, the steps it took, and nesting of entries.
  mutable const Node* current_ = nullptr;
  mutable size_t local_steps_ = 0;
  mutable int entries_ = 0;
  mutable size_t cutoffs_ = 0;  // charges refused so far: a value computed across one is partial
  mutable std::vector<Limited> limited_;
  mutable std::unordered_set<const Node*> limited_seen_;
  struct Remembered {
    Value value;
    size_t weight;  // what copying it costs, in steps
  };
  // Keyed by the Parameter, or by the node of a mapping entry or resource property.
  mutable std::unordered_map<const void*, Remembered> memo_;
  mutable std::unordered_set<const void*> in_progress_;
  mutable std::unordered_map<const Node*, MappingShapes> mapping_shapes_;
};

}  // namespace stacklint::graph
