#include "spec/spec.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "spec/compiled.h"

namespace stacklint::spec {

size_t edit_distance_within(std::string_view a, std::string_view b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  thread_local std::vector<size_t> before, previous, row;
  before.assign(b.size() + 1, 0);
  previous.resize(b.size() + 1);
  row.assign(b.size() + 1, 0);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    size_t smallest = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
          ascii_lower(a[i - 2]) == ascii_lower(b[j - 1])) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
      smallest = std::min(smallest, row[j]);
    }
    if (smallest > limit && i > 1 && *std::min_element(previous.begin(), previous.end()) > limit)
      return limit + 1;
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return std::min(previous[b.size()], limit + 1);
}

namespace {

bool prefix_of(std::string_view shorter, std::string_view longer) {
  if (shorter.size() > longer.size()) return false;
  for (size_t i = 0; i < shorter.size(); ++i) {
    if (ascii_lower(shorter[i]) != ascii_lower(longer[i])) return false;
  }
  return true;
}

// The candidate most likely meant by `name`: the smallest edit distance within a third of the
// name's length (at least 2), or else a truncation ("VersioningConfig" for
// "VersioningConfiguration": at least 6 characters and half the candidate). Ties go to the
// first candidate, so the answer is deterministic.
// Which letters (case folded, modulo 64) a name has. An edit adds or removes at most two of
// them, so half the differing bits bound the edit distance from below.
uint64_t letter_mask(std::string_view name) {
  uint64_t mask = 0;
  for (char c : name) mask |= uint64_t{1} << (static_cast<unsigned char>(ascii_lower(c)) % 64);
  return mask;
}

// How many characters (case folded) two names share, counted with repeats; `counts` holds the
// first name's count of each. An edit changes at most two counts by one each, so the characters
// not shared, halved, bound the edit distance from below: for type names, which share most of
// their letters ("AWS::EC2::"), far more closely than letter_mask.
size_t shared_characters(const std::array<uint8_t, 256>& counts, std::string_view other) {
  std::array<uint8_t, 256> left = counts;
  size_t shared = 0;
  for (char c : other) {
    uint8_t& count = left[static_cast<unsigned char>(ascii_lower(c))];
    if (count > 0) --count, ++shared;
  }
  return shared;
}

template <typename Names>
std::string_view closest_of(std::string_view name, const Names& candidates) {
  if (name.empty()) return {};
  const size_t limit = std::max<size_t>(2, name.size() / 3);
  const uint64_t mask = letter_mask(name);
  std::array<uint8_t, 256> counts{};
  bool counted = name.size() < 256;  // no count overflows
  if (counted) {
    for (char c : name) ++counts[static_cast<unsigned char>(ascii_lower(c))];
  }
  std::string_view best;
  size_t best_score = limit + 2;  // limit + 1: a truncation
  for (std::string_view candidate : candidates) {
    if (candidate == name) return {};
    // Most candidates share too few letters to be near: no table for them (a type name is
    // compared with some 1,800 others).
    size_t bound = std::min(limit, best_score);
    auto far = [&] {
      if (static_cast<size_t>(std::popcount(mask ^ letter_mask(candidate)) + 1) / 2 > bound)
        return true;
      if (!counted) return false;
      size_t apart = name.size() + candidate.size() - 2 * shared_characters(counts, candidate);
      return (apart + 1) / 2 > bound;
    };
    size_t score = far() ? bound + 1 : edit_distance_within(name, candidate, bound);
    if (score > std::min(limit, best_score)) {
      const std::string_view& shorter = name.size() < candidate.size() ? name : candidate;
      const std::string_view& longer = name.size() < candidate.size() ? candidate : name;
      bool truncated =
          shorter.size() >= 6 && shorter.size() * 2 >= longer.size() && prefix_of(shorter, longer);
      if (!truncated) continue;
      score = limit + 1;
    }
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

// The properties of Tag: Key is required. Value is not, as some types accept a tag without
// one (the registry schemas disagree among themselves).
const PropertySet& tag_properties() {
  static const PropertySet tag = [] {
    PropertySet set;
    set.name = "Tag";
    Property key;
    key.name = "Key";
    key.shape.kind = Kind::String;
    key.required = true;
    Property value;
    value.name = "Value";
    value.shape.kind = Kind::String;
    set.properties_ = {key, value};
    return set;
  }();
  return tag;
}

// Reads the compiled form (compiled.h): the data is the build's own, written by
// tools/compile_spec.cpp, so it is trusted as it is.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : at_(bytes.data()) {}

  uint64_t number() {
    uint64_t n = 0;
    for (int shift = 0;; shift += 7) {
      auto byte = static_cast<unsigned char>(*at_++);
      n |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return n;
    }
  }
  std::string_view text() {
    size_t size = number();
    std::string_view out(at_, size);
    at_ += size;
    return out;
  }
  std::string_view doc() {
    size_t offset = number();
    return compiled::kDocs.substr(offset, number());
  }
  double real() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
      bits |= static_cast<uint64_t>(static_cast<unsigned char>(*at_++)) << (8 * i);
    return std::bit_cast<double>(bits);
  }

 private:
  const char* at_;
};

using Loaded = compiled::TypeStorage;  // one resource type, decoded

class Decoder {
 public:
  Decoder(Loaded& loaded, std::string_view block) : loaded_(loaded), in_(block) {}

  void type() {
    ResourceType& type = loaded_.type;
    type.documentation = in_.doc();
    type.sam = in_.number() != 0;
    // Property types first (all of them, so that a reference to a later or recursive one holds).
    size_t count = in_.number();
    for (size_t i = 0; i < count; ++i) {
      PropertySet& set = loaded_.types.emplace_back();
      set.name = in_.text();
      set.documentation = in_.doc();
    }
    for (PropertySet& set : loaded_.types) {
      properties(set);
      groups(set);
    }
    type.properties.documentation = type.documentation;
    properties(type.properties);
    groups(type.properties);
    type.attributes.resize(in_.number());
    for (Attribute& attribute : type.attributes) {
      attribute.name = in_.text();
      shape(attribute.shape);
    }
  }

 private:
  void properties(PropertySet& set) {
    set.properties_.resize(in_.number());
    for (Property& property : set.properties_) {
      property.name = in_.text();
      shape(property.shape);
      property.required = in_.number() != 0;
      property.documentation = in_.doc();
    }
  }

  void groups(PropertySet& set) {
    set.required_any.resize(in_.number());
    for (auto& group : set.required_any) {
      group.resize(in_.number());
      for (auto& names : group) {
        names.resize(in_.number());
        for (std::string_view& name : names) name = in_.text();
      }
    }
  }

  void shape(Shape& out) {
    out.kind = static_cast<Kind>(in_.number());
    auto flags = static_cast<uint8_t>(in_.number());
    if (flags & compiled::kElement) {
      Shape& element = loaded_.shapes.emplace_back();
      shape(element);
      out.element = &element;
    }
    if (flags & compiled::kObject) {
      size_t object = in_.number();
      out.object = object == 0 ? &tag_properties() : &loaded_.types[object - 1];
    }
    if (flags & compiled::kAlternatives) {
      out.alternatives.resize(in_.number());
      for (Shape& alternative : out.alternatives) shape(alternative);
    }
    if (flags & compiled::kConstraints) {
      Constraints& c = loaded_.constraints.emplace_back();
      c.allowed.resize(in_.number());
      for (std::string_view& allowed : c.allowed) allowed = in_.text();
      c.pattern = in_.text();
      auto present = static_cast<uint8_t>(in_.number());
      if (present & compiled::kMinimum) c.minimum = in_.real();
      if (present & compiled::kMaximum) c.maximum = in_.real();
      if (present & compiled::kMinLength) c.min_length = in_.number();
      if (present & compiled::kMaxLength) c.max_length = in_.number();
      if (present & compiled::kMinItems) c.min_items = in_.number();
      if (present & compiled::kMaxItems) c.max_items = in_.number();
      out.constrained = &c;
    }
  }

  Loaded& loaded_;
  Reader in_;
};

std::unique_ptr<Loaded> decode_block(std::string_view name, std::string_view block) {
  auto loaded = std::make_unique<Loaded>();
  loaded->type.name = name;
  loaded->type.properties.name = name;
  Decoder(*loaded, block).type();
  return loaded;
}

// The index of the compiled data: type names, sorted, with where each block is. Built on first
// use (about 1,800 names), not at start-up.
class Index {
 public:
  static Index& instance() {
    static Index index;
    return index;
  }

  std::string_view source;
  std::vector<std::string_view> names;

  const ResourceType* find(std::string_view name) {
    auto it = positions_.find(name);
    if (it == positions_.end()) return nullptr;
    size_t i = it->second;
    if (const ResourceType* done = loaded_[i].load(std::memory_order_acquire)) return done;
    std::lock_guard<std::mutex> lock(mutex_);
    if (const ResourceType* done = loaded_[i].load(std::memory_order_relaxed)) return done;
    std::unique_ptr<Loaded> decoded = decode_block(names[i], blocks_[i]);
    const ResourceType* type = &decoded->type;
    owned_.push_back(std::move(decoded));
    loaded_[i].store(type, std::memory_order_release);
    return type;
  }

 private:
  Index() {
    Reader in(compiled::kIndex);
    source = in.text();
    size_t count = in.number();
    names.reserve(count);
    blocks_.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      names.push_back(in.text());
      size_t offset = in.number();
      blocks_.push_back(compiled::kBlocks.substr(offset, in.number()));
    }
    loaded_ = std::make_unique<std::atomic<const ResourceType*>[]>(names.size());
    positions_.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) positions_.emplace(names[i], i);
  }

  std::vector<std::string_view> blocks_;
  // Where each name is in `names`: a lookup runs for every resource, several times, and the
  // names share long prefixes ("AWS::EC2::") that a binary search compares again and again.
  std::unordered_map<std::string_view, size_t> positions_;
  std::unique_ptr<std::atomic<const ResourceType*>[]> loaded_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Loaded>> owned_;
};

}  // namespace

std::string_view to_string(Kind kind) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "String", "Integer", "Number", "Boolean", "Json", "Timestamp",
      "List",   "Map",     "Object", "Union",   "Any"};
  return kNames[static_cast<size_t>(kind)];
}

const Constraints& Shape::constraints() const {
  static const Constraints kNone;
  return constrained != nullptr ? *constrained : kNone;
}

namespace {

// std::string_view's order, with the first byte compared in place: names in a set mostly differ
// there, and the library's compare calls memcmp for each (these lookups run for every key the
// rules read).
bool name_before(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0])
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}

}  // namespace

const Property* PropertySet::find(std::string_view property) const {
  auto it = std::lower_bound(
      properties_.begin(), properties_.end(), property,
      [](const Property& p, std::string_view n) { return name_before(p.name, n); });
  return it != properties_.end() && it->name == property ? &*it : nullptr;
}

std::string_view PropertySet::closest(std::string_view property) const {
  std::vector<std::string_view> names;
  names.reserve(properties_.size());
  for (const Property& p : properties_) names.push_back(p.name);
  return closest_of(property, names);
}

const Attribute* ResourceType::attribute(std::string_view name) const {
  auto it = std::lower_bound(
      attributes.begin(), attributes.end(), name,
      [](const Attribute& a, std::string_view n) { return name_before(a.name, n); });
  return it != attributes.end() && it->name == name ? &*it : nullptr;
}

const ResourceType* find_resource_type(std::string_view name) {
  return Index::instance().find(name);
}

std::string_view closest_resource_type(std::string_view name) {
  return closest_of(name, Index::instance().names);
}

std::span<const std::string_view> resource_type_names() {
  return Index::instance().names;
}

std::string_view data_source() {
  return Index::instance().source;
}

}  // namespace stacklint::spec
