// N303: a VPC peering connection between two VPCs of the template whose IPv4 blocks overlap:
// EC2 refuses to peer them. Blocks are compared as parsed networks.
#include <algorithm>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

// The VPC's blocks that exist whenever it does and are known.
std::vector<std::pair<graph::Cidr, const graph::VpcBlock*>> certain_blocks(
    const std::vector<graph::VpcBlock>& blocks) {
  std::vector<std::pair<graph::Cidr, const graph::VpcBlock*>> result;
  for (const graph::VpcBlock& block : blocks) {
    std::optional<graph::Cidr> cidr = graph::ipv4_cidr(block.cidr);
    if (block.certain && cidr) result.emplace_back(*cidr, &block);
  }
  return result;
}

// [start, end) of an IPv4 block.
std::pair<uint64_t, uint64_t> span_of(const graph::Cidr& cidr) {
  uint64_t size = uint64_t{1} << (32 - cidr.prefix);
  uint64_t start = cidr.address_v4() & ~(size - 1);
  return {start, start + size};
}

// The first of `mine` (in order) that overlaps some block of `theirs`, and the first of
// `theirs` it overlaps; {nullptr, nullptr} when none does. The union of `theirs` is sorted
// once and searched, so many blocks on both sides cost n log n, not every pair.
std::pair<const graph::VpcBlock*, const graph::VpcBlock*> first_overlap(
    const std::vector<std::pair<graph::Cidr, const graph::VpcBlock*>>& mine,
    const std::vector<std::pair<graph::Cidr, const graph::VpcBlock*>>& theirs) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const auto& entry : theirs) spans.push_back(span_of(entry.first));
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;  // disjoint, sorted by start and end
  for (const auto& span : spans) {
    if (!merged.empty() && span.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }
  for (const auto& [cidr, block] : mine) {
    auto [start, end] = span_of(cidr);
    auto after = std::upper_bound(merged.begin(), merged.end(), start,
                                  [](uint64_t value, const std::pair<uint64_t, uint64_t>& span) {
                                    return value < span.second;
                                  });
    if (after == merged.end() || after->first >= end) continue;
    for (const auto& [peer_cidr, peer_block] : theirs) {
      if (cidr.overlaps(peer_cidr)) return {block, peer_block};
    }
  }
  return {nullptr, nullptr};
}

}  // namespace

STACKLINT_CHECK(N303) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* peering :
       ctx.tmpl.resources_of_type("AWS::EC2::VPCPeeringConnection")) {
    const graph::Resource* vpc = network.vpc_of(*peering);
    graph::Value peer_value = ctx.resolver.property(*peering, "PeerVpcId");
    const graph::Resource* peer = ctx.resolver.referenced_resource(peer_value);
    if (vpc == nullptr || peer == nullptr || peer->type != "AWS::EC2::VPC" || peer == vpc) {
      continue;
    }
    std::vector<graph::VpcBlock> vpc_blocks = network.vpc_blocks(*vpc);
    std::vector<graph::VpcBlock> peer_blocks = network.vpc_blocks(*peer);
    auto mine = certain_blocks(vpc_blocks);
    auto theirs = certain_blocks(peer_blocks);
    auto [a, b] = first_overlap(mine, theirs);
    if (a == nullptr) continue;
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
