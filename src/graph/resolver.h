// The value resolver: turns a property into what the template proves about it. Rules ask the
// resolver; they never interpret intrinsic functions themselves.
#pragma once

#include <string_view>

#include "graph/template.h"
#include "graph/value.h"

namespace stacklint::graph {

class Resolver {
 public:
  explicit Resolver(const Template& tmpl) : template_(tmpl) {}

  Value resolve(const Node* node) const;
  // A resource's property by dotted path ("VersioningConfiguration.Status"): Absent when the
  // template leaves it out.
  Value property(const Resource& resource, std::string_view path) const;
  // A resource attribute beside Properties ("DeletionPolicy", "Condition", ...).
  Value attribute(const Resource& resource, std::string_view name) const;

  // The resource a value refers to (Ref or GetAtt), when it is one resource of the template.
  const Resource* referenced_resource(const Value& value) const;

  const Template& tmpl() const { return template_; }

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
  Value parameter_value(const Parameter& parameter, const Node* at, int depth) const;

  const Template& template_;
};

}  // namespace stacklint::graph
