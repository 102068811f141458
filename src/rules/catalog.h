// The rule catalogue: every rules/*.yaml, validated and compiled into the binary at build time
// (tools/compile_rules.cpp), so that a run starts without parsing YAML.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "load/loader.h"
#include "rules/rule.h"

namespace stacklint::rules {

class Catalog {
 public:
  // Reads rule files given as (name, text), validated as one: unknown keys, wrong types, bad
  // checks. Problems are collected in errors() as "name:line:column: what"; a rule with a
  // problem is left out. `builtin`: one of the rules compiled into the binary.
  void add_file(const std::string& name, std::string text, bool builtin = false);

  // The catalogue built into the binary (decoded on first use).
  static const Catalog& builtin();
  // Adds the rules compiled into the binary, as builtin() has them: the start of a catalogue
  // that rule files from a configured directory extend.
  void add_builtin();

  // The rules in a compact binary form that add_compiled() reads back with neither YAML nor
  // validation: how the build compiles rules/*.yaml into the binary. Every field of each rule
  // is kept, and its `check` as the same tree (kinds, scalar styles, text, positions).
  std::string compile() const;
  // Adds the rules of compile()'s output. A truncated input is an error in errors().
  void add_compiled(std::string_view bytes, bool builtin);

  const std::vector<const RuleInfo*>& rules() const { return ordered_; }
  // What the engine runs for each template: the rules with a check (a graph check, or a
  // declarative one), in rules() order. Packed, so that going over every rule for every template
  // reads one small array rather than each rule's RuleInfo, which the YAML parse between two
  // templates has pushed out of the cache.
  struct Runnable {
    const RuleInfo* rule;
    void (*graph_check)(CheckContext&);  // null: a declarative check
  };
  const std::vector<Runnable>& runnable() const { return runnable_; }
  // The rules the engine reports itself (T001, T004, T007) once per template; null when absent.
  const RuleInfo* unreadable() const { return unreadable_; }
  const RuleInfo* aliases() const { return aliases_; }
  const RuleInfo* limited() const { return limited_; }
  const RuleInfo* find(std::string_view id_or_name) const;
  // The rules that name `id` of another tool (cfn-lint, cfn_nag, ...) among their equivalents:
  // what that tool's suppression of `id` suppresses. Null when none does.
  const std::vector<const RuleInfo*>* with_equivalent(std::string_view tool,
                                                      std::string_view id) const;
  const std::vector<std::string>& errors() const { return errors_; }
  // Index of a rule in rules(): SARIF's ruleIndex.
  size_t index_of(const RuleInfo* rule) const;

 private:
  struct File {
    std::unique_ptr<load::Source> source;
    std::unique_ptr<load::Loaded> loaded;
  };
  std::vector<File> files_;
  // The `check` trees of rules added by add_compiled().
  std::vector<std::unique_ptr<load::Document>> compiled_;
  std::vector<std::unique_ptr<RuleInfo>> rules_;
  std::vector<const RuleInfo*> ordered_;
  std::vector<Runnable> runnable_;
  const RuleInfo* unreadable_ = nullptr;
  const RuleInfo* aliases_ = nullptr;
  const RuleInfo* limited_ = nullptr;
  // Sorts ordered_ by id and derives runnable_ and the engine's rules from it.
  void order();
  // The rules by "tool\nid" of their equivalents, indexed as rules are added (not per template).
  std::map<std::string, std::vector<const RuleInfo*>, std::less<>> equivalents_;
  void index_equivalents(const RuleInfo& rule);
  std::vector<std::string> errors_;
};

}  // namespace stacklint::rules
