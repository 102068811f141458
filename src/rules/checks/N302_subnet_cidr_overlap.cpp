// N302: two subnets of the same VPC with overlapping IPv4 CIDR blocks: EC2 rejects the second.
// Sorted by start address and swept, so the work is n log n, not every pair.
#include <algorithm>
#include <map>
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
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) {
    return std::tie(a.vpc, a.start) < std::tie(b.vpc, b.start);
  });
  // For each subnet, the earlier subnets (in template order) it overlaps.
  std::map<uint32_t, std::vector<const Block*>> overlaps;
  std::vector<const Block*> open;  // blocks of the current VPC that may still overlap
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    if (i > 0 && blocks[i - 1].vpc != block.vpc) open.clear();
    std::erase_if(open, [&](const Block* other) { return other->end <= block.start; });
    for (const Block* other : open) {
      if (!may_coexist(*block.subnet, *other->subnet)) continue;
      bool block_later = ctx.tmpl.index_of(*block.subnet) > ctx.tmpl.index_of(*other->subnet);
      const Block* later = block_later ? &block : other;
      const Block* earlier = block_later ? other : &block;
      overlaps[ctx.tmpl.index_of(*later->subnet)].push_back(earlier);
    }
    open.push_back(&block);
  }
  std::map<const graph::Resource*, const Block*> block_of;
  for (const Block& block : blocks) block_of[block.subnet] = &block;
  for (const auto& [index, earlier] : overlaps) {
    const graph::Resource& subnet = ctx.tmpl.resources()[index];
    const Block& block = *block_of.at(&subnet);
    std::vector<std::string> names;
    for (const Block* other : earlier) {
      names.push_back(other->subnet->id + (other->text.empty() ? "" : " (" + other->text + ")"));
    }
    Finding& finding = ctx.report(
        subnet, block.node,
        "Subnet " + subnet.id + "'s CIDR block " + (block.text.empty() ? "" : block.text + " ") +
            "overlaps " + (earlier.size() == 1 ? "subnet " : "subnets ") + join_names(names) +
            " of the same VPC, so EC2 rejects it. Give each subnet its own range (Fn::Cidr over "
            "the VPC's block hands out ranges that cannot overlap).",
        "Properties/CidrBlock");
    for (const Block* other : earlier) {
      note(finding, other->node, "CIDR block of subnet " + other->subnet->id);
    }
  }
}

}  // namespace stacklint::rules
