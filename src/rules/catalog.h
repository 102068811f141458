// The rule catalogue: every rules/*.yaml, embedded in the binary at build time.
#pragma once

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

  // The catalogue built into the binary (parsed on first use).
  static const Catalog& builtin();

  const std::vector<const RuleInfo*>& rules() const { return ordered_; }
  const RuleInfo* find(std::string_view id_or_name) const;
  const std::vector<std::string>& errors() const { return errors_; }
  // Index of a rule in rules(): SARIF's ruleIndex.
  size_t index_of(const RuleInfo* rule) const;

 private:
  struct File {
    std::unique_ptr<load::Source> source;
    std::unique_ptr<load::Loaded> loaded;
  };
  std::vector<File> files_;
  std::vector<std::unique_ptr<RuleInfo>> rules_;
  std::vector<const RuleInfo*> ordered_;
  std::vector<std::string> errors_;
};

}  // namespace stacklint::rules
