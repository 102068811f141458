// The template tree: YAML and JSON both load into these nodes, each with its source range.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/source.h"

namespace stacklint::load {

enum class NodeKind : uint8_t { Null, Scalar, Sequence, Mapping };

// Plain scalars may be numbers or booleans; quoted ones are always strings.
enum class ScalarStyle : uint8_t { Plain, Quoted };

struct Node;

struct Pair {
  const Node* key;  // always a scalar node
  const Node* value;
};

struct Node {
  NodeKind kind = NodeKind::Null;
  ScalarStyle style = ScalarStyle::Plain;
  // Reached from more than one place: a YAML alias refers to it, or a merge key copied its pair.
  // A walker that must report each written place once visits such a node once.
  bool shared = false;
  std::string text;  // the scalar's value
  std::vector<const Node*> items;
  std::vector<Pair> pairs;  // in source order, duplicates kept
  Range range;

  bool is_null() const { return kind == NodeKind::Null; }
  bool is_scalar() const { return kind == NodeKind::Scalar; }
  bool is_sequence() const { return kind == NodeKind::Sequence; }
  bool is_mapping() const { return kind == NodeKind::Mapping; }

  // The value of the first pair with this key, or nullptr.
  const Node* get(std::string_view key) const;
  // The key node of the first pair with this key, or nullptr.
  const Node* key_node(std::string_view key) const;
  // For a one-pair mapping such as {"Ref": X}: its key, else empty.
  std::string_view single_key() const;
};

// Owns the nodes of one loaded file. Node addresses stay valid for the document's lifetime.
class Document {
 public:
  // Nodes come from blocks that double in size (an arena): one allocation per block rather
  // than per node or per few nodes, and neighbours in the text are neighbours in memory.
  Node* make() {
    if (used_ == capacity_) grow();
    ++count_;
    return &blocks_.back()[used_++];
  }
  const Node* root = nullptr;
  size_t node_count() const { return count_; }
  // Where the YAML text uses an alias (`*name`, also as `<<: *name`), in file order. The
  // CloudFormation service rejects such a template; `aws cloudformation package` and SAM expand
  // the aliases first (rule T004).
  std::vector<Range> yaml_aliases;

 private:
  void grow();
  std::vector<std::unique_ptr<Node[]>> blocks_;
  size_t used_ = 0;      // nodes handed out from the last block
  size_t capacity_ = 0;  // the last block's size
  size_t count_ = 0;
};

}  // namespace stacklint::load
