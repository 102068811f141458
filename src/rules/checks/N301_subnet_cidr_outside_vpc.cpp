// N301: a subnet's IPv4 CidrBlock lies outside every IPv4 block of its VPC (the VPC's CidrBlock
// and its AWS::EC2::VPCCidrBlock associations): EC2 rejects the subnet.
#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {

STACKLINT_CHECK(N301) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* subnet : ctx.tmpl.resources_of_type("AWS::EC2::Subnet")) {
    const graph::Resource* vpc = network.vpc_of(*subnet);
    if (vpc == nullptr) continue;
    graph::Value cidr = ctx.resolver.property(*subnet, "CidrBlock");
    if (cidr.is_absent()) continue;  // IPv6-only or from an IPAM pool
    // Every block the VPC may have, in any branch: all must be known.
    std::vector<graph::Cidr> blocks;
    std::vector<std::string> labels;
    bool known = true;
    for (const graph::VpcBlock& block : network.vpc_blocks(*vpc)) {
      for (const graph::Value& alternative : block.cidr.alternatives()) {
        std::optional<graph::Cidr> parsed = graph::ipv4_cidr(alternative);
        if (!parsed) known = false;
        if (!known) break;
        blocks.push_back(*parsed);
        labels.push_back(alternative.text);
      }
    }
    if (!known) continue;
    // Outside all of them in every branch of the subnet's own value.
    bool outside = true;
    for (const graph::Value& alternative : cidr.alternatives()) {
      std::optional<graph::Cidr> parsed = graph::ipv4_cidr(alternative);
      if (!parsed) {
        outside = false;
        break;
      }
      for (const graph::Cidr& block : blocks) outside = outside && !block.contains(*parsed);
    }
    if (!outside) continue;
    std::string value = cidr.kind == graph::ValueKind::Scalar ? cidr.text + " " : "";
    Finding& finding = ctx.report(
        *subnet, cidr.node,
        "Subnet " + subnet->id + "'s CIDR block " + value + "is not inside " +
            (labels.size() == 1 ? "the CIDR block " : "any CIDR block ") + "of VPC " + vpc->id +
            " (" + join_names(labels) +
            "), so EC2 rejects the subnet. Carve the subnet from the VPC's range, or associate a "
            "secondary CIDR block (AWS::EC2::VPCCidrBlock) that contains it.",
        "Properties/CidrBlock");
    for (const graph::VpcBlock& block : network.vpc_blocks(*vpc)) {
      note(finding, block.cidr.node, "CIDR block of VPC " + vpc->id);
    }
  }
}

}  // namespace stacklint::rules
