#include "load/node.h"

#include <algorithm>
#include <utility>

namespace stacklint::load {

Text& Text::operator=(Text&& other) noexcept {
  if (this != &other) {
    release();
    static_cast<std::string_view&>(*this) = other;
    owned_ = other.owned_;
    other.forget();
  }
  return *this;
}

Text& Text::assign(std::string_view text) {
  Text copied;
  copied.copy(text);
  return *this = std::move(copied);
}

void Text::copy(std::string_view text) {
  if (text.empty()) return;
  char* heap = new char[text.size() + 1];
  std::memcpy(heap, text.data(), text.size());
  heap[text.size()] = '\0';
  static_cast<std::string_view&>(*this) = std::string_view(heap, text.size());
  owned_ = true;
}

std::string Text::join(std::string_view a, std::string_view b) {
  std::string joined;
  joined.reserve(a.size() + b.size());
  return joined.append(a).append(b);
}

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

Document::Document(Document&& other) noexcept
    : root(std::exchange(other.root, nullptr)),
      yaml_aliases(std::move(other.yaml_aliases)),
      blocks_(std::move(other.blocks_)),
      used_(std::exchange(other.used_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      count_(std::exchange(other.count_, 0)),
      owners_(std::move(other.owners_)) {
  other.blocks_.clear();
  other.owners_.clear();
}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    this->~Document();
    new (this) Document(std::move(other));
  }
  return *this;
}

void Document::destroy_owners() noexcept {
  for (Node* node : owners_) node->~Node();
  owners_.clear();
}

void* Document::allocate_slow(size_t bytes, size_t align) {
  // 16 KB for a small file, doubling up to 256 KB (from the heap, not a fresh mapping, once
  // glibc has seen blocks of that size come and go) for a large one.
  constexpr size_t kFirst = 16 * 1024, kLargest = 256 * 1024;
  if (bytes + align > kLargest / 4) {
    // A long text or list gets a block of its own, before the one being filled.
    auto before = capacity_ == 0 ? blocks_.end() : blocks_.end() - 1;
    char* block =
        blocks_.insert(before, std::make_unique_for_overwrite<char[]>(bytes + align))->get();
    auto at = (reinterpret_cast<uintptr_t>(block) + align - 1) & ~(uintptr_t{align} - 1);
    return reinterpret_cast<char*>(at);
  }
  capacity_ = capacity_ == 0 ? kFirst : std::min(capacity_ * 2, kLargest);
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
  used_ = bytes;
  return blocks_.back().get();
}

}  // namespace stacklint::load
