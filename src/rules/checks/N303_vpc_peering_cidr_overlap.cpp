// N303: a VPC peering connection between two VPCs of the template whose IPv4 blocks overlap:
// EC2 refuses to peer them. Blocks are compared as parsed networks; each VPC is indexed once,
// so many blocks and many peerings cost n log n, not every pair.
#include <algorithm>
#include <memory>
#include <unordered_map>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

// A VPC's known blocks (those that exist whenever it does), indexed by range and by start, so
// that the blocks overlapping a given one are found in 33 lookups and a binary search: CIDR
// blocks nest or are disjoint, so what overlaps x contains it (one range per prefix length) or
// starts inside it. Built once per VPC.
struct VpcIndex {
  std::vector<graph::VpcBlock> blocks;
  std::vector<std::pair<graph::Cidr, size_t>> certain;    // in order; index into blocks
  std::unordered_map<uint64_t, size_t> first_with_range;  // range key -> certain index
  std::vector<std::pair<uint64_t, size_t>> by_start;      // (start, certain index), sorted

  static uint64_t range_key(uint64_t start, int prefix) { return (start << 6) | uint64_t(prefix); }
  static uint64_t start_of(const graph::Cidr& cidr, int prefix) {
    uint64_t size = uint64_t{1} << (32 - prefix);
    return cidr.address_v4() & ~(size - 1);
  }

  VpcIndex(const graph::Network& network, const graph::Resource& vpc)
      : blocks(network.vpc_blocks(vpc)) {
    for (size_t i = 0; i < blocks.size(); ++i) {
      std::optional<graph::Cidr> cidr = graph::ipv4_cidr(blocks[i].cidr);
      if (!blocks[i].certain || !cidr) continue;
      size_t index = certain.size();
      certain.emplace_back(*cidr, i);
      uint64_t start = start_of(*cidr, cidr->prefix);
      first_with_range.try_emplace(range_key(start, cidr->prefix), index);
      by_start.emplace_back(start, index);
    }
    std::sort(by_start.begin(), by_start.end());
  }

  // A block of this VPC that overlaps `x`, or nullptr: the first (in order) that contains it,
  // else the lowest that lies inside it.
  const graph::VpcBlock* overlapping(const graph::Cidr& x) const {
    size_t best = certain.size();
    for (int prefix = 0; prefix <= x.prefix; ++prefix) {
      auto found = first_with_range.find(range_key(start_of(x, prefix), prefix));
      if (found != first_with_range.end()) best = std::min(best, found->second);
    }
    if (best == certain.size()) {
      uint64_t start = start_of(x, x.prefix);
      auto inside = std::lower_bound(by_start.begin(), by_start.end(), std::pair{start, size_t{0}});
      if (inside != by_start.end() && inside->first < start + (uint64_t{1} << (32 - x.prefix))) {
        best = inside->second;
      }
    }
    return best == certain.size() ? nullptr : &blocks[certain[best].second];
  }
};

}  // namespace

STACKLINT_CHECK(N303) {
  const graph::Network& network = ctx.network();
  std::unordered_map<const graph::Resource*, std::unique_ptr<VpcIndex>> indexes;
  auto index_of = [&](const graph::Resource& vpc) -> const VpcIndex& {
    std::unique_ptr<VpcIndex>& slot = indexes[&vpc];
    if (!slot) slot = std::make_unique<VpcIndex>(network, vpc);
    return *slot;
  };
  for (const graph::Resource* peering :
       ctx.tmpl.resources_of_type("AWS::EC2::VPCPeeringConnection")) {
    const graph::Resource* vpc = network.vpc_of(*peering);
    graph::Value peer_value = ctx.resolver.property(*peering, "PeerVpcId");
    const graph::Resource* peer = ctx.resolver.referenced_resource(peer_value);
    if (vpc == nullptr || peer == nullptr || peer->type != "AWS::EC2::VPC" || peer == vpc) {
      continue;
    }
    const VpcIndex& mine = index_of(*vpc);
    const VpcIndex& theirs = index_of(*peer);
    // Walk the smaller side, in order, and look each block up in the other.
    bool swapped = theirs.certain.size() < mine.certain.size();
    const VpcIndex& walked = swapped ? theirs : mine;
    const VpcIndex& searched = swapped ? mine : theirs;
    const graph::VpcBlock* a = nullptr;
    const graph::VpcBlock* b = nullptr;
    for (const auto& [cidr, block] : walked.certain) {
      if (const graph::VpcBlock* other = searched.overlapping(cidr)) {
        a = &walked.blocks[block];
        b = other;
        break;
      }
    }
    if (a == nullptr) continue;
    if (swapped) std::swap(a, b);
    Finding& finding = ctx.report(
        *peering, peer_value.node,
        "VPC peering connection " + peering->id + " joins VPC " + vpc->id + " (" + a->cidr.text +
            ") and VPC " + peer->id + " (" + b->cidr.text +
            "), whose CIDR blocks overlap: EC2 cannot peer VPCs with overlapping ranges. Give "
            "the VPCs disjoint CIDR blocks.",
        "Properties/PeerVpcId");
    note(finding, a->cidr.node, "CIDR block of VPC " + vpc->id);
    note(finding, b->cidr.node, "CIDR block of VPC " + peer->id);
  }
}

}  // namespace stacklint::rules
