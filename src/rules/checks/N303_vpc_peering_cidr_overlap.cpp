// N303: a VPC peering connection between two VPCs of the template whose IPv4 blocks overlap:
// EC2 refuses to peer them.
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
    const graph::VpcBlock* a = nullptr;
    const graph::VpcBlock* b = nullptr;
    for (const auto& [cidr, block] : mine) {
      for (const auto& [peer_cidr, peer_block] : theirs) {
        if (a == nullptr && cidr.overlaps(peer_cidr)) {
          a = block;
          b = peer_block;
        }
      }
    }
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
