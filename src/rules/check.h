// What a rule's check sees (the graph and the resolver) and how it reports. Graph checks live
// in src/rules/checks/, one file per rule, and register themselves with STACKLINT_CHECK.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/network.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "load/source.h"
#include "rules/rule.h"

namespace stacklint::rules {

class CheckContext {
 public:
  CheckContext(const load::Source& source, const graph::Template& tmpl,
               const graph::Resolver& resolver, const RuleInfo& rule, std::vector<Finding>& out)
      : source(source), tmpl(tmpl), resolver(resolver), rule(rule), out_(out) {}

  const load::Source& source;
  const graph::Template& tmpl;
  const graph::Resolver& resolver;
  const RuleInfo& rule;

  // Reports a finding on a resource, pointing at `at` (the resource's logical id when null).
  // `path` names the place under the resource ("Properties/MultiAZ"), for baselines.
  Finding& report(const graph::Resource& resource, const load::Node* at, std::string message,
                  std::string_view path = {});
  // Reports a finding that belongs to no resource (a parameter, a section, the file).
  Finding& report_at(load::Range range, std::string message, std::string path,
                     std::string resource = {});

  // A fact about the template that several rules derive (its network, the names a transform
  // may generate, ...): built on first use from `args`, then shared by every rule's context
  // that the engine gives the same `shared_facts`, so it is computed once per template.
  template <typename Fact, typename... Args>
  const Fact& shared(const Args&... args) {
    const size_t slot = slot_of<Fact>();
    SharedFacts& all = facts();
    if (slot >= all.size()) all.resize(slot + 1);
    if (!all[slot]) {
      std::shared_ptr<const void> made = std::make_shared<const Fact>(args...);
      all[slot] = std::move(made);
    }
    return *static_cast<const Fact*>(all[slot].get());
  }
  // The template's network (zones, routes, placements).
  const graph::Network& network() { return shared<graph::Network>(tmpl, resolver); }

  // The facts of one template, by slot (see shared()).
  using SharedFacts = std::vector<std::shared_ptr<const void>>;
  SharedFacts* shared_facts = nullptr;

 private:
  SharedFacts& facts() { return shared_facts != nullptr ? *shared_facts : own_facts_; }
  // Each fact type has its own slot, numbered once per process: no hashing per question.
  template <typename Fact>
  static size_t slot_of() {
    static const size_t slot = next_fact_slot();
    return slot;
  }
  static size_t next_fact_slot();

  std::vector<Finding>& out_;
  SharedFacts own_facts_;
};

using CheckFunction = void (*)(CheckContext&);

// Maps rule ids to their graph check implementations.
class CheckRegistry {
 public:
  static CheckRegistry& instance();
  void add(std::string_view rule_id, CheckFunction check);
  CheckFunction find(std::string_view rule_id) const;
  std::vector<std::string> ids() const;

 private:
  std::vector<std::pair<std::string, CheckFunction>> checks_;
  // The same by id (the first registration of an id wins): the catalogue asks once per rule
  // (RuleInfo::graph_check).
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, CheckFunction, IdHash, std::equal_to<>> by_id_;
};

struct CheckRegistration {
  CheckRegistration(std::string_view rule_id, CheckFunction check) {
    CheckRegistry::instance().add(rule_id, check);
  }
};

// Defines the check for one rule: STACKLINT_CHECK(R101) { ... uses `ctx` ... }
#define STACKLINT_CHECK(RULE_ID)                                                               \
  static void check_##RULE_ID(::stacklint::rules::CheckContext& ctx);                          \
  static const ::stacklint::rules::CheckRegistration registration_##RULE_ID{#RULE_ID,          \
                                                                            &check_##RULE_ID}; \
  static void check_##RULE_ID(::stacklint::rules::CheckContext& ctx)

// The range to point at for a node, or the resource's logical id when there is no node.
load::Range range_of(const graph::Resource& resource, const load::Node* at);

// A value as a message quotes it: at most `max_bytes` of `text`, cut at a code point boundary
// (so the message stays UTF-8) and marked with "..." when cut. Messages quote values through it:
// a 1 MB parameter read by a thousand Refs must not make a thousand 1 MB messages.
std::string excerpt(std::string_view text, size_t max_bytes = 80);

// When `value` (what decided the finding, read from `property`, e.g. "MultiAZ") is a
// parameter's value: points the finding at the Ref that reads it, adds where the value is
// written as a related location, and says so at the end of the message: "MultiAZ is false (the
// default of parameter MultiAZParam)." for a Default; "(the value of parameter MultiAZParam in
// params/prod.json)" with the related location in that file for a parameter file; "(the value
// of parameter MultiAZParam given on the command line)" with the parameter's declaration as
// related location for --parameter. Returns whether it did; otherwise the finding is unchanged.
bool explain_parameter_default(Finding& finding, const graph::Value& value,
                               std::string_view property);

// Truth of a test over a resolved value's alternatives, silent on unknowns (see Truth).
using graph::Truth;

}  // namespace stacklint::rules
