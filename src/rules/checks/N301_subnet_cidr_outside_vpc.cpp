// N301: a subnet's IPv4 CidrBlock lies outside every IPv4 block of its VPC (the VPC's CidrBlock
// and its AWS::EC2::VPCCidrBlock associations): EC2 rejects the subnet.
//
// Blocks are compared as parsed networks. Each VPC's blocks are indexed once by range: CIDR
// blocks nest or are disjoint, so a subnet is inside some block exactly when one of its 33
// enclosing ranges is a block. A finding names at most kMaxNamed blocks, so thousands of
// secondary blocks and subnets cost n log n work and bounded output.
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

constexpr size_t kMaxNamed = 5;

uint64_t range_key(const graph::Cidr& cidr, int prefix) {
  uint64_t size = uint64_t{1} << (32 - prefix);
  return ((cidr.address_v4() & ~(size - 1)) << 6) | static_cast<uint64_t>(prefix);
}

// Every block the VPC may have, in any branch: `known` when all parse.
struct VpcRanges {
  bool known = true;
  std::unordered_set<uint64_t> ranges;
  std::vector<std::string> labels;
  std::vector<const load::Node*> nodes;

  VpcRanges(const graph::Network& network, const graph::Resource& vpc) {
    for (const graph::VpcBlock& block : network.vpc_blocks(vpc)) {
      nodes.push_back(block.cidr.node);
      for (const graph::Value& alternative : block.cidr.alternatives()) {
        std::optional<graph::Cidr> parsed = graph::ipv4_cidr(alternative);
        if (!parsed) {
          known = false;
          return;
        }
        ranges.insert(range_key(*parsed, parsed->prefix));
        labels.push_back(alternative.text);
      }
    }
  }

  bool contains(const graph::Cidr& subnet) const {
    for (int prefix = 0; prefix <= subnet.prefix; ++prefix) {
      if (ranges.contains(range_key(subnet, prefix))) return true;
    }
    return false;
  }
};

}  // namespace

STACKLINT_CHECK(N301) {
  const graph::Network& network = ctx.network();
  std::unordered_map<const graph::Resource*, std::unique_ptr<VpcRanges>> by_vpc;
  for (const graph::Resource* subnet : ctx.tmpl.resources_of_type("AWS::EC2::Subnet")) {
    const graph::Resource* vpc = network.vpc_of(*subnet);
    if (vpc == nullptr) continue;
    graph::Value cidr = ctx.resolver.property(*subnet, "CidrBlock");
    if (cidr.is_absent()) continue;  // IPv6-only or from an IPAM pool
    std::unique_ptr<VpcRanges>& ranges = by_vpc[vpc];
    if (!ranges) ranges = std::make_unique<VpcRanges>(network, *vpc);
    if (!ranges->known) continue;
    // Outside all of them in every branch of the subnet's own value.
    bool outside = true;
    for (const graph::Value& alternative : cidr.alternatives()) {
      std::optional<graph::Cidr> parsed = graph::ipv4_cidr(alternative);
      if (!parsed || ranges->contains(*parsed)) {
        outside = false;
        break;
      }
    }
    if (!outside) continue;
    const std::vector<std::string>& labels = ranges->labels;
    std::vector<std::string> named(
        labels.begin(),
        labels.begin() + static_cast<std::ptrdiff_t>(std::min(labels.size(), kMaxNamed)));
    if (labels.size() > kMaxNamed) {
      named.push_back(std::to_string(labels.size() - kMaxNamed) + " others");
    }
    std::string value = cidr.kind == graph::ValueKind::Scalar ? cidr.text + " " : "";
    Finding& finding = ctx.report(
        *subnet, cidr.node,
        "Subnet " + subnet->id + "'s CIDR block " + value + "is not inside " +
            (labels.size() == 1 ? "the CIDR block " : "any CIDR block ") + "of VPC " + vpc->id +
            " (" + join_names(named) +
            "), so EC2 rejects the subnet. Carve the subnet from the VPC's range, or associate a "
            "secondary CIDR block (AWS::EC2::VPCCidrBlock) that contains it.",
        "Properties/CidrBlock");
    for (size_t i = 0; i < ranges->nodes.size() && i < kMaxNamed; ++i) {
      note(finding, ranges->nodes[i], "CIDR block of VPC " + vpc->id);
    }
  }
}

}  // namespace stacklint::rules
