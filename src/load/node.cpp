#include "load/node.h"

#include <algorithm>

namespace stacklint::load {

const Node* Node::get(std::string_view key) const {
  for (const Pair& pair : pairs) {
    if (pair.key->text == key) return pair.value;
  }
  return nullptr;
}

const Node* Node::key_node(std::string_view key) const {
  for (const Pair& pair : pairs) {
    if (pair.key->text == key) return pair.key;
  }
  return nullptr;
}

void Document::grow() {
  // 64 nodes for a small file, up to 4,096 (about 400 KB) per block for a large one.
  constexpr size_t kFirst = 64, kLargest = 4096;
  capacity_ = capacity_ == 0 ? kFirst : std::min(capacity_ * 2, kLargest);
  blocks_.push_back(std::make_unique<Node[]>(capacity_));
  used_ = 0;
}

std::string_view Node::single_key() const {
  if (kind == NodeKind::Mapping && pairs.size() == 1) return pairs[0].key->text;
  return {};
}

}  // namespace stacklint::load
