// Shared by the template validity rules (T002-T040): what transforms and Fn::ForEach may
// create, and "did you mean" suggestions for names that are not defined.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/template.h"
#include "rules/check.h"

namespace stacklint::rules::validity {

// Levenshtein distance, ignoring case (a wrong case is the most common typo in logical ids).
size_t edit_distance(std::string_view a, std::string_view b);
// The distance when it is at most `limit`, else limit + 1 (found early, without the whole
// table).
size_t edit_distance_within(std::string_view a, std::string_view b, size_t limit);

// The characters closest() may look at for one name: its bound on work per suggestion.
constexpr size_t kSuggestionWork = size_t{1} << 14;
// The same bound for names typed on a command line or in a configuration: few names, against a
// catalogue of a few hundred rule ids, names, tags and prefixes.
constexpr size_t kCommandLineSuggestionWork = size_t{1} << 20;

// Candidate names indexed once (each one's letters), for many "did you mean" questions.
class Suggestions {
 public:
  // `work`: the bound on characters looked at per name (kSuggestionWork for names from a
  // template; kCommandLineSuggestionWork for the few names a person types).
  explicit Suggestions(std::vector<std::string_view> candidates, size_t work = kSuggestionWork);
  // The candidate closest to `name` when it is close enough to be a likely typo, else empty.
  // Bounded: it looks at candidates (in their order) until kSuggestionWork is spent.
  std::string_view closest(std::string_view name) const;

 private:
  std::vector<std::string_view> candidates_;
  size_t work_;
  mutable std::vector<uint64_t> masks_;  // of the first candidates, filled as they are looked at
};

// Suggestions(candidates).closest(name), for a one-off question.
std::string_view closest(std::string_view name, const std::vector<std::string_view>& candidates,
                         size_t work = kSuggestionWork);

// " Did you mean X?" or an empty string.
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates);
std::string did_you_mean(std::string_view name, const Suggestions& candidates);

// did_you_mean(), or `otherwise` when no candidate is close.
std::string suggest_or(std::string_view name, const std::vector<std::string_view>& candidates,
                       std::string otherwise);
std::string suggest_or(std::string_view name, const Suggestions& candidates, std::string otherwise);

// What the template's transforms and language extensions may add to it.
class Generated {
 public:
  explicit Generated(const graph::Template& tmpl);

  // A macro (a Transform other than SAM and AWS::LanguageExtensions, or Fn::Transform) may
  // rewrite anything: names, sections, references.
  bool opaque() const { return opaque_; }
  bool sam() const { return sam_; }
  // A Rain preprocessor directive (Rain::*, Fn::Rain::*) somewhere in the template.
  bool preprocessed() const { return preprocessed_; }
  // Whether some mapping repeats a key, and whether some value is null, anywhere in the tree:
  // found by this walk, so that T002 and T006 walk the tree themselves only when it does.
  bool repeats_keys() const { return repeats_keys_; }
  bool has_null() const { return has_null_; }
  // Fn::ForEach somewhere (AWS::LanguageExtensions).
  bool has_for_each() const { return !loop_identifiers_.empty() || !name_patterns_.empty(); }
  // Fn::FindInMap whose map name is computed: any mapping may be the one it reads.
  bool dynamic_find_in_map() const { return dynamic_find_in_map_; }

  // A logical id that SAM or a Fn::ForEach may generate (or, for an opaque template, anything).
  // SAM's names follow sam-translator (checked against its output on the corpus): a SAM
  // resource's own prefix (for a literally written Function, only the exact names of docs/sam.md)
  // (FunctionRole only without a Role, Function.Version and .Alias only with AutoPublishAlias),
  // ServerlessRestApi* / ServerlessHttpApi* only when some event needs the implicit API, CodeDeploy
  // and usage-plan names only when something asks for them, and the ids written in QueueLogicalId /
  // QueuePolicyLogicalId. Where the template does not show the answer (computed events, a
  // condition), the name may be generated.
  bool may_be_resource(std::string_view name) const;
  // A name that a Fn::ForEach loop defines (its identifier), or one that contains a loop
  // placeholder (${Name}, &{Name}) and so is only known after expansion.
  bool is_loop_name(std::string_view name) const;

 private:
  bool opaque_ = false;
  bool sam_ = false;
  bool dynamic_find_in_map_ = false;
  bool preprocessed_ = false;
  bool repeats_keys_ = false;
  bool has_null_ = false;
  // A resource whose logical id prefixes the names generated from it (SAM resources, modules,
  // resources with embedded connectors).
  struct Generator {
    std::string_view id;
    bool role_written = false;             // a Function or StateMachine with its own Role
    bool may_publish_alias = true;         // Function: AutoPublishAlias here or in Globals
    std::vector<std::string_view> events;  // its events' ids, when Role is written
    // A Function whose properties and events are literal: SAM's names for it are known, and
    // only those (after its events, its role, versions and aliases, and the optional parts).
    bool exact = false;
    std::string alias;  // Alias<alias>: the one alias, when exact and written literally
    bool deployment_group = false, url = false, invoke_config = false;
  };
  // Whether `generator` may create `name`, which starts with its id.
  bool may_name(const Generator& generator, std::string_view name) const;
  void read_sam(const graph::Template& tmpl);

  std::vector<Generator> generators_;
  std::vector<std::string_view> named_ids_;         // QueueLogicalId, QueuePolicyLogicalId values
  bool implicit_rest_api_ = false;                  // some event may need ServerlessRestApi
  bool implicit_http_api_ = false;                  // ... ServerlessHttpApi
  bool code_deploy_ = false;                        // some function may have a DeploymentPreference
  bool usage_plan_ = false;                         // some API may have Auth (a shared usage plan)
  std::vector<std::string_view> loop_identifiers_;  // Fn::ForEach identifiers
  std::vector<std::string> name_patterns_;          // Fn::ForEach output keys, as globs
};

// Undefined names are not reported for these edges: the answer is uncertain.
bool uncertain_target(const graph::Edge& edge, const Generated& generated);

// The finding's baseline path for an edge's owner ("Resources/Bucket", "Outputs/Url").
std::string owner_path(const graph::Template& tmpl, const graph::Owner& owner);

// The ids of a section, for suggestions.
template <typename Declarations>
std::vector<std::string_view> ids_of(const Declarations& declarations) {
  std::vector<std::string_view> ids;
  ids.reserve(declarations.size());
  for (const auto& declaration : declarations) ids.push_back(declaration.id);
  return ids;
}

// Calls report(edge) for each reference of this kind to a name that is not defined, leaving
// out those a transform or loop may define.
template <typename Report>
void for_each_undefined(CheckContext& ctx, graph::EdgeKind kind, Report report) {
  const Generated& generated = ctx.shared<Generated>(ctx.tmpl);
  for (const graph::Edge& edge : ctx.tmpl.edges()) {
    if (edge.kind == kind && edge.target_kind == graph::TargetKind::Undefined &&
        !uncertain_target(edge, generated)) {
      report(edge);
    }
  }
}

// Reports each undefined reference of this kind: `problem` with {} for the name, then why it
// matters, then a suggestion from `candidates` or `otherwise`.
void report_undefined(CheckContext& ctx, graph::EdgeKind kind,
                      const std::vector<std::string_view>& candidates, std::string_view problem,
                      std::string_view otherwise);

// Parameters, resources and pseudo parameters: what Ref and ${} may name.
std::vector<std::string_view> referable_names(const graph::Template& tmpl);

// Whether every use of a declaration is an edge of the graph. Transforms, loops and
// preprocessors use declarations in places the graph does not follow (SAM's Globals,
// Fn::ForEach bodies, a macro's input), so unused-declaration rules skip those templates.
bool uses_are_visible(CheckContext& ctx);

// Reports each declaration that no edge targets, at its logical id, with message(id).
template <typename Declarations, typename Message>
void report_unused(CheckContext& ctx, const Declarations& declarations, graph::TargetKind kind,
                   std::string_view section, Message message) {
  std::vector<bool> used(declarations.size(), false);
  for (const graph::Edge& edge : ctx.tmpl.edges()) {
    if (edge.target_kind == kind) used[edge.target_index] = true;
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) continue;
    const auto& declaration = declarations[i];
    ctx.report_at(declaration.key->range, message(declaration.id),
                  std::string(section) + "/" + declaration.id);
  }
}

// Reports an edge whose target is not defined, pointing at the name as written (or at
// `range`, another part of the same reference).
Finding& report_edge(CheckContext& ctx, const graph::Edge& edge, std::string message);
Finding& report_edge(CheckContext& ctx, const graph::Edge& edge, load::Range range,
                     std::string message);

}  // namespace stacklint::rules::validity
