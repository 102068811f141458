// The value resolver: turns a property into what the template proves about it. Rules ask the
// resolver; they never interpret intrinsic functions themselves.
//
// Work is bounded by the template: values reached by indirection (a parameter, a mapping entry,
// another resource's property) are computed once and remembered; strings longer than
// kMaxStringLength are Unknown; and all resolutions together take at most budget() steps (a
// node visited, or a byte of text built or copied), a multiple of the template's size. Past the
// budget every value is Unknown, so rules fall silent rather than hang. Not thread-safe: one
// resolver serves one template on one thread.
#pragma once

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/template.h"
#include "graph/value.h"

namespace stacklint::graph {

class Resolver {
 public:
  // The budget is kBudgetBase plus kBudgetPerUnit for each node and byte of the tree.
  explicit Resolver(const Template& tmpl);
  static constexpr size_t kBudgetBase = size_t{16} << 20;
  static constexpr size_t kBudgetPerUnit = 64;

  Value resolve(const Node* node) const;
  // A resource's property by dotted path ("VersioningConfiguration.Status"): Absent when the
  // template leaves it out.
  Value property(const Resource& resource, std::string_view path) const;
  // A resource attribute beside Properties ("DeletionPolicy", "Condition", ...).
  Value attribute(const Resource& resource, std::string_view name) const;

  // The resource a value refers to (Ref or GetAtt), when it is one resource of the template.
  const Resource* referenced_resource(const Value& value) const;

  const Template& tmpl() const { return template_; }

  // Steps taken so far and the most that will be taken (see above); for tests and --stats.
  size_t steps() const { return steps_; }
  size_t budget() const { return budget_; }

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
  Value parameter_value(const Parameter& parameter, const Node* at) const;
  Value default_of(const Parameter& parameter) const;
  Value literal_tree(const Node* node) const;
  Value concatenate(const std::vector<Value>& parts, std::string_view separator,
                    const Node* at) const;
  template <typename Compute>
  Value remembered(const void* key, const Node* at, Compute compute) const;
  // Counts `steps`; false once the budget is spent.
  bool charge(size_t steps) const;

  const Template& template_;
  size_t budget_ = 0;
  mutable size_t steps_ = 0;
  struct Remembered {
    Value value;
    size_t weight;  // what copying it costs, in steps
  };
  // Keyed by the Parameter, or by the node of a mapping entry or resource property.
  mutable std::unordered_map<const void*, Remembered> memo_;
  mutable std::unordered_set<const void*> in_progress_;
};

}  // namespace stacklint::graph
