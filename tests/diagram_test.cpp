// `stacklint graph`: the AZ grouping, the network edges and the highlighted findings, asserted
// on the bundled example VPC and on small templates.
#include <doctest/doctest.h>

#include <sstream>

#include "report/diagram.h"
#include "test_support.h"

using namespace stacklint;

namespace {

struct Drawn {
  report::Diagram diagram;
  rules::FileResult linted;
};

Drawn draw(const std::string& text, report::DiagramOptions options = {}) {
  testing::GraphedTemplate graphed(text);
  Drawn drawn;
  drawn.linted = rules::lint_loaded(graphed.source, graphed.loaded, rules::Catalog::builtin(), {});
  drawn.diagram =
      report::build_diagram(*graphed.tmpl, *graphed.network, drawn.linted.findings, options);
  return drawn;
}

const report::DiagramNode* node(const report::Diagram& d, std::string_view id) {
  for (const auto& n : d.nodes) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

bool has_edge(const report::Diagram& d, std::string_view from, std::string_view to,
              report::DiagramEdgeKind kind) {
  for (const auto& e : d.edges) {
    if (e.from == from && e.to == to && e.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the example VPC is grouped by VPC and AZ, with its NAT finding highlighted") {
  Drawn d = draw(testing::read_file(testing::source_dir() + "/examples/vpc-single-nat.yaml"));
  const auto& g = d.diagram;
  for (const char* id : {"PublicSubnetA", "PrivateSubnetA", "NatGateway"}) {
    INFO(id);
    REQUIRE(node(g, id) != nullptr);
    CHECK(node(g, id)->zone == "AZ #0");
    CHECK(node(g, id)->vpc == "Vpc");
  }
  CHECK(node(g, "PrivateSubnetB")->zone == "AZ #1");
  // Route tables, the gateway and the VPC span the zones: in the VPC, in no AZ lane.
  CHECK(node(g, "PrivateRouteTable")->zone.empty());
  CHECK(node(g, "PrivateRouteTable")->vpc == "Vpc");
  CHECK(node(g, "InternetGateway")->vpc == "Vpc");
  // Network edges: subnet → route table → NAT gateway / internet gateway.
  using report::DiagramEdgeKind;
  CHECK(has_edge(g, "PrivateSubnetB", "PrivateRouteTable", DiagramEdgeKind::Network));
  CHECK(has_edge(g, "PrivateRouteTable", "NatGateway", DiagramEdgeKind::Network));
  CHECK(has_edge(g, "PublicRouteTable", "InternetGateway", DiagramEdgeKind::Network));
  CHECK(has_edge(g, "NatGateway", "PublicSubnetA", DiagramEdgeKind::Network));
  // The reference beside the network edge, and references to the enclosing VPC, are implied.
  CHECK_FALSE(has_edge(g, "NatGateway", "PublicSubnetA", DiagramEdgeKind::Reference));
  CHECK_FALSE(has_edge(g, "PrivateSubnetA", "Vpc", DiagramEdgeKind::Reference));
  // The finding: R101 on the NAT gateway, as a warning.
  const report::DiagramNode* nat = node(g, "NatGateway");
  REQUIRE(nat->severity.has_value());
  CHECK(*nat->severity == rules::Severity::Warning);
  CHECK(nat->rules == std::vector<std::string>{"R101"});
  CHECK_FALSE(node(g, "PrivateSubnetB")->severity.has_value());
  // Plumbing is hidden by default and drawn with --all.
  CHECK(node(g, "PrivateSubnetARouteTable") == nullptr);
  CHECK(node(g, "NatGatewayAddress") == nullptr);
  report::DiagramOptions all;
  all.all = true;
  Drawn everything =
      draw(testing::read_file(testing::source_dir() + "/examples/vpc-single-nat.yaml"), all);
  CHECK(node(everything.diagram, "PrivateSubnetARouteTable") != nullptr);
}

TEST_CASE("unknown zones, regional resources, load balancers and --only-findings") {
  const std::string text =
      "Parameters:\n"
      "  Zone: {Type: 'AWS::EC2::AvailabilityZone::Name'}\n"
      "Resources:\n"
      "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  A:\n"
      "    Type: AWS::EC2::Subnet\n"
      "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a}\n"
      "  B:\n"
      "    Type: AWS::EC2::Subnet\n"
      "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Ref Zone}\n"
      "  Lb:\n"
      "    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
      "    Properties: {Subnets: [!Ref A, !Ref B]}\n"
      "  Tg:\n"
      "    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n"
      "    Properties: {VpcId: !Ref Vpc, Port: 80, Protocol: HTTP}\n"
      "  Listener:\n"
      "    Type: AWS::ElasticLoadBalancingV2::Listener\n"
      "    Properties:\n"
      "      LoadBalancerArn: !Ref Lb\n"
      "      Port: 80\n"
      "      Protocol: HTTP\n"
      "      DefaultActions: [{Type: forward, TargetGroupArn: !Ref Tg}]\n"
      "  Table:\n"
      "    Type: AWS::DynamoDB::Table\n"
      "    Properties:\n"
      "      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"
      "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n"
      "      BillingMode: PAY_PER_REQUEST\n";
  Drawn d = draw(text);
  CHECK(node(d.diagram, "A")->zone == "us-east-1a");
  CHECK(node(d.diagram, "B")->zone == "AZ unknown");
  CHECK(node(d.diagram, "Lb")->vpc == "Vpc");
  CHECK(node(d.diagram, "Lb")->zone.empty());
  CHECK(node(d.diagram, "Table")->vpc.empty());  // regional: outside the VPC box
  CHECK(has_edge(d.diagram, "Lb", "A", report::DiagramEdgeKind::Network));
  CHECK(has_edge(d.diagram, "Lb", "Tg", report::DiagramEdgeKind::Network));
  REQUIRE(node(d.diagram, "Table")->severity.has_value());  // no PITR, no Retain

  report::DiagramOptions only;
  only.only_findings = true;
  Drawn trimmed = draw(text, only);
  CHECK(node(trimmed.diagram, "Table") != nullptr);
  for (const auto& n : trimmed.diagram.nodes) {
    bool flagged = n.severity.has_value();
    bool neighbour = false;
    for (const auto& e : trimmed.diagram.edges) {
      const report::DiagramNode* other = node(trimmed.diagram, e.from == n.id ? e.to : e.from);
      if ((e.from == n.id || e.to == n.id) && other && other->severity) neighbour = true;
    }
    INFO(n.id);
    CHECK((flagged || neighbour));
  }
}

TEST_CASE("DOT and Mermaid output: structure and determinism") {
  Drawn d = draw(testing::read_file(testing::source_dir() + "/examples/vpc-single-nat.yaml"));
  std::ostringstream dot1, dot2, mermaid;
  report::write_dot(d.diagram, dot1);
  report::write_dot(d.diagram, dot2);
  report::write_mermaid(d.diagram, mermaid);
  CHECK(dot1.str() == dot2.str());
  CHECK(dot1.str().find("label=\"AZ #0\"") != std::string::npos);
  CHECK(dot1.str().find("\"NatGateway\" [label=\"NatGateway · NatGateway\nR101\", color=") !=
        std::string::npos);
  std::string m = mermaid.str();
  CHECK(m.rfind("flowchart LR\n", 0) == 0);
  // Every subgraph is closed.
  size_t opened = 0, closed = 0;
  std::istringstream lines(m);
  std::string line;
  while (std::getline(lines, line)) {
    std::string trimmed = line.substr(line.find_first_not_of(' '));
    if (trimmed.rfind("subgraph ", 0) == 0) ++opened;
    if (trimmed == "end") ++closed;
  }
  CHECK(opened == 3);
  CHECK(opened == closed);
  CHECK(m.find("r_PrivateRouteTable ==>|0.0.0.0/0| r_NatGateway") != std::string::npos);
  CHECK(m.find("class r_NatGateway warning") != std::string::npos);
}
