// graph: the values a stack's parameters are given from outside the template (a parameter file,
// the command line, a parent stack), each with where it came from. The Resolver reads a
// supplied value where it would read the parameter's Default: one concept, "the parameter's
// value and its origin".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/value.h"
#include "load/parameter_file.h"

namespace stacklint::graph {

// One parameter's value as supplied, and where it is written.
struct SuppliedValue {
  std::string name;  // the parameter's logical id
  // What the parameter receives: a Scalar (the text CloudFormation receives; the Resolver splits
  // it for list types as it splits a Default), or Unknown (UsePreviousValue, a dynamic
  // reference). A parent stack may pass any resolved value. Its nodes are not used for places:
  // the Resolver points values read through a Ref at that Ref.
  Value value;
  std::string source;      // the file's path as displayed; empty: the command line
  load::Range range;       // where the value is written in `source`
  load::Range name_range;  // where the name is written in `source`

  bool from_command_line() const { return source.empty(); }
  // "in params/prod.json" or "given on the command line", for messages.
  std::string where() const;
};

// The values supplied for one stack. A name supplied again replaces the earlier value (the
// last file wins; the command line is applied after files). Not to be changed while a Resolver
// reads it: values point at its entries.
class ParameterValues {
 public:
  void supply(SuppliedValue value);
  // Every entry of a parameter file, in its order.
  void supply_file(const load::ParameterFile& file);
  // `--parameter NAME=TEXT`.
  void supply_text(std::string name, std::string text);

  const SuppliedValue* find(std::string_view name) const;
  // In the order each name was first supplied.
  const std::vector<SuppliedValue>& values() const { return values_; }
  bool empty() const { return values_.empty(); }

 private:
  // Looked up by a view of the name (is_transparent): no copy of it per lookup.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>()(name); }
  };
  std::vector<SuppliedValue> values_;
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
};

// A list type's value as CloudFormation splits it ("a, b,c" is [a, b, c]): at commas, with the
// spaces and tabs around each item dropped. "" is one empty item.
std::vector<std::string> split_list_value(std::string_view text);

// The Value for a supplied text: a Scalar, or Unknown when it holds a dynamic reference
// ({{resolve:...}}), which CloudFormation replaces at deploy time.
Value supplied_text_value(std::string text);

}  // namespace stacklint::graph
