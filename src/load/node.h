// The template tree: YAML and JSON both load into these nodes, each with its source range.
#pragma once

#include <compare>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
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

// A scalar's text: a std::string_view (so it compares, searches and converts as one) that
// also converts to std::string, has c_str() (NUL-terminated) and a substr() that copies, as a
// const std::string would. A loaded document's texts are views into the document's own
// storage, freed with it at once; a text assigned or copied outside the loaders owns a heap copy.
class Text : public std::string_view {
 public:
  Text() : std::string_view("", 0) {}
  Text(const char* text) : Text() { copy(text); }  // NOLINT: a literal reads as a text
  Text(const Text& other) : Text() { copy(other); }
  Text(Text&& other) noexcept : std::string_view(other), owned_(other.owned_) { other.forget(); }
  Text& operator=(const Text& other) {
    if (this != &other) assign(other);
    return *this;
  }
  Text& operator=(Text&& other) noexcept;
  Text& operator=(std::string_view text) { return assign(text); }
  Text& operator=(const std::string& text) { return assign(text); }
  Text& operator=(const char* text) { return assign(text); }
  ~Text() { release(); }

  // A text that is `size` bytes at `data` (followed by a NUL) in storage that outlives it.
  static Text borrow(const char* data, size_t size) {
    Text text;
    static_cast<std::string_view&>(text) = std::string_view(data, size);
    return text;
  }

  // For code that keeps or passes a std::string: a copy.
  operator std::string() const { return std::string(data(), size()); }
  const char* c_str() const noexcept { return data(); }
  // A copy, as std::string::substr gives.
  std::string substr(size_t pos = 0, size_t n = npos) const {
    return std::string(std::string_view::substr(pos, n));
  }

  friend std::string operator+(const Text& a, std::string_view b) { return join(a, b); }
  friend std::string operator+(std::string_view a, const Text& b) { return join(a, b); }
  friend std::string operator+(const Text& a, const Text& b) { return join(a, b); }
  friend std::string operator+(const Text& a, const char* b) { return join(a, b); }
  friend std::string operator+(const char* a, const Text& b) { return join(a, b); }
  friend std::string operator+(const Text& a, const std::string& b) { return join(a, b); }
  friend std::string operator+(const std::string& a, const Text& b) { return join(a, b); }
  friend std::string operator+(std::string&& a, const Text& b) { return std::move(a.append(b)); }
  friend std::string operator+(const Text& a, char b) { return join(a, {&b, 1}); }
  friend std::string operator+(char a, const Text& b) { return join({&a, 1}, b); }

 private:
  Text& assign(std::string_view text);
  void copy(std::string_view text);
  void forget() noexcept {
    static_cast<std::string_view&>(*this) = std::string_view("", 0);
    owned_ = false;
  }
  void release() noexcept {
    if (owned_) delete[] data();
  }
  static std::string join(std::string_view a, std::string_view b);
  bool owned_ = false;  // data() is a heap copy of our own
};

// A node's children: read like a const std::vector (size, [], range-for, front/back, data,
// converts to std::vector and std::span). A loaded document's lists are views into the
// document's own storage; pushing to or resizing a list outside the loaders makes it own a heap
// copy.
template <typename T>
class NodeList {
 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;

  NodeList() = default;
  NodeList(const NodeList& other) { copy(other.begin(), other.size()); }
  NodeList(NodeList&& other) noexcept
      : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
    other.data_ = nullptr, other.size_ = 0, other.capacity_ = 0;
  }
  NodeList& operator=(const NodeList& other) {
    if (this != &other) {
      NodeList copied(other);
      swap(copied);
    }
    return *this;
  }
  NodeList& operator=(NodeList&& other) noexcept {
    NodeList moved(std::move(other));
    swap(moved);
    return *this;
  }
  NodeList& operator=(const std::vector<T>& items) {
    NodeList copied;
    copied.copy(items.data(), items.size());
    swap(copied);
    return *this;
  }
  ~NodeList() {
    if (capacity_ != 0) std::allocator<T>().deallocate(data_, capacity_);
  }

  // `size` items at `data`, in storage that outlives the list.
  static NodeList borrow(T* data, size_t size) {
    NodeList list;
    list.data_ = data;
    list.size_ = static_cast<uint32_t>(size);
    return list;
  }

  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& front() { return data_[0]; }
  const T& front() const { return data_[0]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }
  operator std::vector<T>() const { return std::vector<T>(begin(), end()); }

  void reserve(size_t n) {
    if (n > capacity_) reallocate(n);
  }
  void push_back(const T& item) {
    if (size_ == capacity_) reallocate(size_ == 0 ? 4 : size_ * 2);
    data_[size_++] = item;
  }
  void resize(size_t n) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data_[i] = T{};
    size_ = static_cast<uint32_t>(n);
  }
  void clear() noexcept { size_ = 0; }

 private:
  void swap(NodeList& other) noexcept {
    std::swap(data_, other.data_), std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  void copy(const T* from, size_t n) {
    if (n == 0) return;
    reallocate(n);
    std::memcpy(data_, from, n * sizeof(T));
    size_ = static_cast<uint32_t>(n);
  }
  // Into a heap copy of our own, with room for `n` (and never a view again).
  void reallocate(size_t n) {
    T* fresh = std::allocator<T>().allocate(n);
    if (size_ != 0) std::memcpy(fresh, data_, size_ * sizeof(T));
    if (capacity_ != 0) std::allocator<T>().deallocate(data_, capacity_);
    data_ = fresh;
    capacity_ = static_cast<uint32_t>(n);
  }
  T* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;  // not 0: data_ is a heap array of our own
};

struct Node {
  NodeKind kind = NodeKind::Null;
  ScalarStyle style = ScalarStyle::Plain;
  // Reached from more than one place: a YAML alias refers to it, or a merge key copied its pair.
  // A walker that must report each written place once visits such a node once.
  bool shared = false;
  Text text;  // the scalar's value
  NodeList<const Node*> items;
  NodeList<Pair> pairs;  // in source order, duplicates kept
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
// Nodes, texts and child lists come from blocks that grow in size (an arena): one allocation
// per block rather than per node, text or list, neighbours in the text are neighbours in
// memory, and the whole tree is freed at once.
class Document {
 public:
  Document() = default;
  Document(Document&& other) noexcept;
  Document& operator=(Document&& other) noexcept;
  ~Document() { destroy_owners(); }

  // A node whose text and children may be assigned freely (they then own heap copies, freed
  // with the document).
  Node* make() {
    Node* node = make_view();
    owners_.push_back(node);
    return node;
  }
  // For the loaders: a node whose text and children are set only from text() and list() below,
  // so that it owns nothing and the document frees it without visiting it.
  Node* make_view() {
    ++count_;
    return new (allocate(sizeof(Node), alignof(Node))) Node;
  }
  // A copy of `text`, NUL-terminated, in the document's storage.
  Text text(std::string_view text) {
    char* copy = static_cast<char*>(allocate(text.size() + 1, 1));
    if (!text.empty()) std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return Text::borrow(copy, text.size());
  }
  // A copy of `items` in the document's storage.
  template <typename T>
  NodeList<T> list(std::span<const T> items) {
    if (items.empty()) return {};
    T* copy = static_cast<T*>(allocate(items.size() * sizeof(T), alignof(T)));
    std::memcpy(copy, items.data(), items.size() * sizeof(T));
    return NodeList<T>::borrow(copy, items.size());
  }

  const Node* root = nullptr;
  size_t node_count() const { return count_; }
  // Where the YAML text uses an alias (`*name`, also as `<<: *name`), in file order. The
  // CloudFormation service rejects such a template; `aws cloudformation package` and SAM expand
  // the aliases first (rule T004).
  std::vector<Range> yaml_aliases;

 private:
  void* allocate(size_t bytes, size_t align) {
    size_t at = (used_ + align - 1) & ~(align - 1);
    if (at + bytes > capacity_) return allocate_slow(bytes, align);
    used_ = at + bytes;
    return blocks_.back().get() + at;
  }
  void* allocate_slow(size_t bytes, size_t align);
  void destroy_owners() noexcept;
  std::vector<std::unique_ptr<char[]>> blocks_;  // the last one is being filled
  size_t used_ = 0;                              // bytes handed out from the last block
  size_t capacity_ = 0;                          // the last block's size
  size_t count_ = 0;
  std::vector<Node*> owners_;  // the nodes from make(), destroyed with the document
};

}  // namespace stacklint::load
