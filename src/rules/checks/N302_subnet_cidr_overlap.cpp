// N302: two subnets of the same VPC with overlapping IPv4 CIDR blocks: EC2 rejects the second.
//
// One finding per subnet that overlaps an earlier one (in template order), naming at most
// kMaxNamed of them: 3,000 subnets with one CIDR give 2,999 findings of bounded size, not
// 4.5 million pairs. CIDR blocks nest or are disjoint, so the subnets of one VPC form a tree
// of distinct ranges at most 33 deep; each subnet looks at its own range, its ancestors and
// the kScan earliest subnets of its subtree. The work is n log n + n * 33 * kScan.
#include <algorithm>
#include <iterator>
#include <tuple>
#include <unordered_map>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

struct Block {
  uint32_t vpc;         // index of its VPC key
  uint64_t start, end;  // [start, end)
  const graph::Resource* subnet;
  const load::Node* node;
  std::string text;
};

// The block every alternative of the value contains (CIDR blocks nest or are disjoint, so it
// is the smallest alternative when all contain it). Overlaps of it hold in every branch.
std::optional<graph::Cidr> common_block(const graph::Value& value) {
  std::optional<graph::Cidr> smallest;
  std::vector<graph::Cidr> all;
  for (const graph::Value& alternative : value.alternatives()) {
    std::optional<graph::Cidr> cidr = graph::ipv4_cidr(alternative);
    if (!cidr) return std::nullopt;
    all.push_back(*cidr);
    if (!smallest || cidr->prefix > smallest->prefix) smallest = cidr;
  }
  for (const graph::Cidr& cidr : all) {
    if (!cidr.contains(*smallest)) return std::nullopt;
  }
  return smallest;
}

// The expression as written, so that two equal expressions (the same parameter, the same
// import) are known to name the same VPC even when their value is unknown.
std::string written(const load::Node* node) {
  if (node == nullptr) return "";
  switch (node->kind) {
    case load::NodeKind::Scalar:
      return "'" + node->text + "'";
    case load::NodeKind::Sequence: {
      std::string text = "[";
      for (const load::Node* item : node->items) text += written(item) + ",";
      return text + "]";
    }
    case load::NodeKind::Mapping: {
      std::string text = "{";
      for (const load::Pair& pair : node->pairs) {
        text += pair.key->text + ":" + written(pair.value) + ",";
      }
      return text + "}";
    }
    case load::NodeKind::Null:
      break;
  }
  return "~";
}

// Subnets with equal keys are in the same VPC: a VPC of the template, a literal VPC id, or the
// same expression. Empty when the VPC depends on Fn::If.
std::string vpc_key(const graph::Resolver& resolver, const graph::Resource& subnet) {
  graph::Value vpc = resolver.property(subnet, "VpcId");
  if (vpc.kind == graph::ValueKind::ResourceRef) return "resource:" + vpc.text;
  if (vpc.kind == graph::ValueKind::Scalar) return "id:" + vpc.text;
  if (vpc.kind == graph::ValueKind::Unknown)
    return "expression:" + written(subnet.property("VpcId"));
  return "";
}

bool may_coexist(const graph::Resource& a, const graph::Resource& b) {
  return graph::exists_whenever(a, b) || graph::exists_whenever(b, a);
}

// Subnets that share one range of one VPC, and the tree of ranges.
struct Range {
  uint32_t vpc;
  uint64_t start, end;             // [start, end)
  std::vector<uint32_t> members;   // indexes into `blocks`, in template order
  int parent = -1;                 // the smallest range that contains it
  std::vector<uint32_t> earliest;  // the kScan earliest blocks of its subtree, template order
};

constexpr size_t kMaxNamed = 5;  // subnets named in one finding
constexpr size_t kScan = 64;     // candidates looked at per list (conditions may skip some)

}  // namespace

STACKLINT_CHECK(N302) {
  std::vector<Block> blocks;
  std::unordered_map<std::string, uint32_t> vpc_index;
  for (const graph::Resource* subnet : ctx.tmpl.resources_of_type("AWS::EC2::Subnet")) {
    std::string key = vpc_key(ctx.resolver, *subnet);
    if (key.empty()) continue;
    uint32_t vpc =
        vpc_index.try_emplace(key, static_cast<uint32_t>(vpc_index.size())).first->second;
    graph::Value value = ctx.resolver.property(*subnet, "CidrBlock");
    std::optional<graph::Cidr> cidr = common_block(value);
    if (!cidr) continue;
    uint64_t start = cidr->address_v4() & ~((uint64_t{1} << (32 - cidr->prefix)) - 1);
    std::string text = value.kind == graph::ValueKind::Scalar ? value.text : "";
    blocks.push_back(
        {vpc, start, start + (uint64_t{1} << (32 - cidr->prefix)), subnet, value.node, text});
  }
  auto order = [&](uint32_t i) { return ctx.tmpl.index_of(*blocks[i].subnet); };
  // Ranges in sweep order: by VPC, start, then the wider first, so a parent precedes its
  // children; blocks within a range in template order.
  std::vector<uint32_t> sorted(blocks.size());
  for (uint32_t i = 0; i < sorted.size(); ++i) sorted[i] = i;
  std::sort(sorted.begin(), sorted.end(), [&](uint32_t a, uint32_t b) {
    const Block& x = blocks[a];
    const Block& y = blocks[b];
    return std::make_tuple(x.vpc, x.start, y.end, order(a)) <
           std::make_tuple(y.vpc, y.start, x.end, order(b));
  });
  std::vector<Range> ranges;
  std::vector<int> range_index(blocks.size(), -1);
  std::vector<int> stack;  // the ranges that contain the current one
  for (uint32_t i : sorted) {
    const Block& block = blocks[i];
    if (!ranges.empty() && ranges.back().vpc == block.vpc && ranges.back().start == block.start &&
        ranges.back().end == block.end) {
      ranges.back().members.push_back(i);
      range_index[i] = static_cast<int>(ranges.size() - 1);
      continue;
    }
    while (!stack.empty() &&
           (ranges[stack.back()].vpc != block.vpc || ranges[stack.back()].end <= block.start)) {
      stack.pop_back();
    }
    ranges.push_back(
        {block.vpc, block.start, block.end, {i}, stack.empty() ? -1 : stack.back(), {}});
    range_index[i] = static_cast<int>(ranges.size() - 1);
    stack.push_back(static_cast<int>(ranges.size() - 1));
  }
  // The earliest blocks of each subtree, children before parents (reverse sweep order).
  auto merge_into = [&](std::vector<uint32_t>& into, const std::vector<uint32_t>& from) {
    std::vector<uint32_t> merged;
    std::merge(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(merged),
               [&](uint32_t a, uint32_t b) { return order(a) < order(b); });
    if (merged.size() > kScan) merged.resize(kScan);
    into = std::move(merged);
  };
  for (size_t r = ranges.size(); r-- > 0;) {
    Range& range = ranges[r];
    std::vector<uint32_t> own(
        range.members.begin(),
        range.members.begin() + static_cast<std::ptrdiff_t>(std::min(range.members.size(), kScan)));
    merge_into(range.earliest, own);
    if (range.parent >= 0) merge_into(ranges[range.parent].earliest, range.earliest);
  }
  // For each subnet, the earlier subnets it may coexist with among the candidates.
  for (uint32_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    std::vector<uint32_t> earlier;
    auto take = [&](const std::vector<uint32_t>& list) {
      size_t looked = 0;
      for (uint32_t other : list) {
        if (order(other) >= order(i) || ++looked > kScan) break;
        if (may_coexist(*block.subnet, *blocks[other].subnet)) earlier.push_back(other);
      }
    };
    const Range& own = ranges[range_index[i]];
    take(own.earliest);  // its own range and everything inside it
    for (int up = own.parent; up >= 0; up = ranges[up].parent) take(ranges[up].members);
    if (earlier.empty()) continue;
    std::sort(earlier.begin(), earlier.end(),
              [&](uint32_t a, uint32_t b) { return order(a) < order(b); });
    earlier.erase(std::unique(earlier.begin(), earlier.end()), earlier.end());
    bool more = earlier.size() > kMaxNamed;
    if (more) earlier.resize(kMaxNamed);
    std::vector<std::string> names;
    for (uint32_t other : earlier) {
      const Block& b = blocks[other];
      names.push_back(b.subnet->id + (b.text.empty() ? "" : " (" + b.text + ")"));
    }
    if (more) names.push_back("others");
    Finding& finding = ctx.report(
        *block.subnet, block.node,
        "Subnet " + block.subnet->id + "'s CIDR block " +
            (block.text.empty() ? "" : block.text + " ") + "overlaps " +
            (earlier.size() == 1 && !more ? "subnet " : "subnets ") + join_names(names) +
            " of the same VPC, so EC2 rejects it. Give each subnet its own range (Fn::Cidr over "
            "the VPC's block hands out ranges that cannot overlap).",
        "Properties/CidrBlock");
    for (uint32_t other : earlier) {
      note(finding, blocks[other].node, "CIDR block of subnet " + blocks[other].subnet->id);
    }
  }
}

}  // namespace stacklint::rules
