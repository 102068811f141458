// The value checks against the resource specification (T103-T107, T109): one walk over every
// resource's properties, at any depth, shared by the six rules (computed once per template, as
// a CheckContext::shared fact). Each property's value is judged by what the template proves:
// a literal as written, an intrinsic function by what the Resolver says it returns (its
// ValueShape when its text is not known), each Fn::If branch on its own; AWS::NoValue removes
// the property; what is not proven is silent.
#pragma once

#include <string>
#include <vector>

#include "graph/resolver.h"
#include "graph/template.h"
#include "graph/value.h"
#include "rules/check.h"
#include "rules/checks/spec_rules.h"

namespace stacklint::rules::valuechecks {

// Which rule an issue belongs to.
enum class Problem : uint8_t {
  Type,         // T103 property-type-mismatch
  Allowed,      // T104 value-not-allowed
  Pattern,      // T105 value-pattern-mismatch
  Range,        // T106 value-out-of-range
  Length,       // T107 value-length-out-of-range
  YamlBoolean,  // T109 yaml-boolean-string
};

struct Issue {
  Problem problem;
  const graph::Resource* resource;
  const load::Node* at;  // the value as written under the resource (a literal or a function)
  std::string path;      // "Properties/Rules/0/Status", for baselines
  std::string property;  // "Rules[0].Status", for messages
  // The message when the deciding value is written in place. When it is a parameter's
  // default, `message_for_default` instead, which explain_parameter_default completes.
  std::string message;
  std::string message_for_default;
  graph::Value value;  // the deciding value (its DefaultOrigin, when it has one)
  // The value is computed from parameters' defaults: reported as a warning (a stack created
  // with other values may deploy), and not at all under a condition.
  bool from_defaults = false;
};

// Every issue of a template, in resource and written order; one per value and problem.
class Issues {
 public:
  // `objects`: the template's, walked once for every specification rule.
  Issues(const graph::Template& tmpl, const graph::Resolver& resolver,
         const specrules::Objects& objects);
  const std::vector<Issue>& all() const { return issues_; }

 private:
  std::vector<Issue> issues_;
};

// Reports the template's issues of one kind: the whole body of each rule's check.
void report(CheckContext& ctx, Problem problem);

}  // namespace stacklint::rules::valuechecks
