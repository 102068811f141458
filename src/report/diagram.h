// `stacklint graph`: the template drawn as its architecture. Resources grouped by VPC and by
// the Availability Zone the template proves they run in, network edges drawn apart from plain
// references, and every resource with a finding highlighted with its rule ids.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "graph/network.h"
#include "graph/template.h"
#include "rules/rule.h"

namespace stacklint::report {

enum class DiagramEdgeKind : uint8_t {
  Reference,  // Ref, Fn::GetAtt, Fn::Sub
  DependsOn,
  Network,  // subnet → route table → NAT/IGW, ASG/LB → subnets, LB → target groups, ...
};

struct DiagramNode {
  std::string id;          // logical id
  std::string key;         // the id it is drawn with when several stacks share a drawing
                           // (empty: `id`); edges name nodes by it
  std::string short_type;  // "NatGateway" for AWS::EC2::NatGateway
  std::string type;
  std::string vpc;   // logical id of its VPC, or empty (regional)
  std::string zone;  // "AZ #0", "us-east-1a", "AZ unknown"; empty when it spans zones or none
  std::optional<rules::Severity> severity;  // the worst finding on it
  std::vector<std::string> rules;           // ids of its findings, sorted, unique
};

struct DiagramEdge {
  std::string from, to;
  DiagramEdgeKind kind;
  std::string label;  // for network edges: "0.0.0.0/0", "subnet", ...
};

struct Diagram {
  std::vector<DiagramNode> nodes;  // in template order
  std::vector<DiagramEdge> edges;  // sorted, no duplicates
};

struct DiagramOptions {
  bool all = false;            // also IAM and other plumbing, parameters and outputs
  bool only_findings = false;  // only resources with findings and their neighbours
};

Diagram build_diagram(const graph::Template& tmpl, const graph::Network& network,
                      const std::vector<rules::Finding>& findings, const DiagramOptions& options);

void write_dot(const Diagram& diagram, std::ostream& out);
void write_mermaid(const Diagram& diagram, std::ostream& out);

// Several stacks in one drawing (`stacklint graph --env`): each stack's diagram in a frame
// (a DOT cluster, a Mermaid subgraph) labelled with its name and file; the nodes' `key`s and
// the edges are unique across stacks. `links` join nodes of different stacks: an import to the
// exporting resource, a nested stack resource to its child's resources.
struct StackFrame {
  std::string label;
  Diagram diagram;
};
struct StackEdge {
  std::string from, to;  // node keys
  std::string label;     // "import prod-vpc-SubnetAPublic", "nested stack"
};
void write_stacks_dot(const std::vector<StackFrame>& stacks, const std::vector<StackEdge>& links,
                      std::ostream& out);
void write_stacks_mermaid(const std::vector<StackFrame>& stacks,
                          const std::vector<StackEdge>& links, std::ostream& out);

}  // namespace stacklint::report
