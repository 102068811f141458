#include "load/node.h"

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

std::string_view Node::single_key() const {
  if (kind == NodeKind::Mapping && pairs.size() == 1) return pairs[0].key->text;
  return {};
}

}  // namespace stacklint::load
