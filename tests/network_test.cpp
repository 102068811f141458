// graph/network: zones of subnets, default routes, placements and VPC blocks, and that each
// answer is unknown when the template does not prove it.
#include <doctest/doctest.h>

#include "test_support.h"

using namespace stacklint;
using graph::Egress;
using graph::Truth;
using graph::Zone;

namespace {

struct Net : testing::GraphedTemplate {
  using GraphedTemplate::GraphedTemplate;

  const graph::Resource& at(std::string_view id) {
    const graph::Resource* r = tmpl->resource(id);
    REQUIRE(r != nullptr);
    return *r;
  }
  std::string zone(std::string_view id) {
    std::optional<Zone> z = network->zone_of_resource(at(id));
    return z ? z->label() : "?";
  }
};

// A VPC skeleton: subnets A (AZ #0) and B (AZ #1), a NAT gateway in A, a public table to the
// internet gateway for A, and a private table to the NAT gateway for B.
const char* kVpc = R"(
Resources:
  Igw: {Type: AWS::EC2::InternetGateway}
  A:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.0.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  B:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [1, !GetAZs ""]}
  Unassociated:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.2.0/24}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref A, AllocationId: eipalloc-1}
  Public: {Type: AWS::EC2::RouteTable, Properties: {VpcId: vpc-1}}
  Private: {Type: AWS::EC2::RouteTable, Properties: {VpcId: vpc-1}}
  Empty: {Type: AWS::EC2::RouteTable, Properties: {VpcId: vpc-1}}
  Exported: {Type: AWS::EC2::RouteTable, Properties: {VpcId: vpc-1}}
  PublicRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Public, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Private, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  PeerRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Empty, DestinationCidrBlock: 172.16.0.0/12, VpcPeeringConnectionId: pcx-1}
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref A, RouteTableId: !Ref Public}
  AssocB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref B, RouteTableId: !Ref Private}
)";
const char* kVpcOutputs = R"(
Outputs:
  Table: {Value: !Ref Exported}
)";

}  // namespace

TEST_CASE("network: zones compare only when the template proves them different") {
  Zone a{Zone::Form::Name, "us-east-1a"}, b{Zone::Form::Name, "us-east-1b"};
  Zone first{Zone::Form::Index, "", "", 0}, second{Zone::Form::Index, "", "", 1};
  Zone other_region{Zone::Form::Index, "", "eu-west-1", 1};
  Zone id{Zone::Form::Id, "use1-az1"};
  CHECK(graph::same_zone(a, b) == Truth::False);
  CHECK(graph::same_zone(a, a) == Truth::True);
  CHECK(graph::same_zone(first, second) == Truth::False);
  CHECK(graph::same_zone(second, other_region) == Truth::Unknown);
  CHECK(graph::same_zone(a, first) == Truth::Unknown);
  CHECK(graph::same_zone(a, id) == Truth::Unknown);
  CHECK(second.label() == "AZ #1");
  CHECK(other_region.label() == "AZ #1 of eu-west-1");
  CHECK(a.label() == "us-east-1a");
  CHECK(a.key() != id.key());
}

TEST_CASE("network: a subnet's zone from literals, Fn::GetAZs, parameters and Fn::If") {
  Net n(R"(
Parameters:
  WithDefault: {Type: AWS::EC2::AvailabilityZone::Name, Default: eu-west-1b}
  NoDefault: {Type: AWS::EC2::AvailabilityZone::Name}
Conditions:
  C: !Equals [!Ref "AWS::Region", eu-west-1]
Resources:
  Literal: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: eu-west-1a}}
  Indexed: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Select [2, !GetAZs {Ref: "AWS::Region"}]}}
  Defaulted: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Ref WithDefault}}
  Unknown: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Ref NoDefault}}
  Absent: {Type: AWS::EC2::Subnet, Properties: {CidrBlock: 10.0.0.0/24}}
  Disagree: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !If [C, eu-west-1a, eu-west-1b]}}
  Agree: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !If [C, eu-west-1a, eu-west-1a]}}
  ById: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZoneId: euw1-az3}}
)");
  CHECK(n.zone("Literal") == "eu-west-1a");
  CHECK(n.zone("Indexed") == "AZ #2");
  CHECK(n.zone("Defaulted") == "eu-west-1b");
  CHECK(n.zone("Unknown") == "?");
  CHECK(n.zone("Absent") == "?");
  CHECK(n.network->subnet_az(n.at("Absent")).is_absent());
  CHECK(n.zone("Disagree") == "?");
  CHECK(n.zone("Agree") == "eu-west-1a");
  REQUIRE(n.network->subnet_zone(n.at("ById")));
  CHECK(n.network->subnet_zone(n.at("ById"))->form == Zone::Form::Id);
}

TEST_CASE("network: route tables and default routes") {
  Net n(std::string(kVpc) + kVpcOutputs);
  const graph::Resource* association = nullptr;
  CHECK(n.network->route_table_of(n.at("B"), &association) == &n.at("Private"));
  CHECK(association == &n.at("AssocB"));
  CHECK(n.network->route_table_of(n.at("Unassociated")) == nullptr);

  graph::DefaultRoute to_nat = n.network->subnet_default_route(n.at("B"));
  CHECK(to_nat.egress == Egress::NatGateway);
  CHECK(to_nat.target == &n.at("Nat"));
  CHECK(to_nat.route == &n.at("PrivateRoute"));
  CHECK(to_nat.route_table == &n.at("Private"));
  CHECK(n.network->subnet_default_route(n.at("A")).egress == Egress::InternetGateway);
  CHECK(n.network->subnet_default_route(n.at("Unassociated")).egress == Egress::Unknown);
  CHECK(n.network->default_route(n.at("Empty")).egress == Egress::None);
  // Exported: another stack may add the default route.
  CHECK(n.network->default_route(n.at("Exported")).egress == Egress::Unknown);
  CHECK(n.network->subnet_of(n.at("Nat")) == &n.at("A"));
  CHECK(n.zone("Nat") == "AZ #0");
}

TEST_CASE("network: conditional routes and targets are unknown") {
  Net n(R"(
Parameters:
  Single: {Type: String}
Conditions:
  UseSingle: !Equals [!Ref Single, "true"]
Resources:
  N1: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: subnet-1}}
  N2: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: subnet-2}}
  Chosen: {Type: AWS::EC2::RouteTable}
  Conditional: {Type: AWS::EC2::RouteTable}
  Alternatives: {Type: AWS::EC2::RouteTable}
  Import: {Type: AWS::EC2::RouteTable}
  ChosenRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Chosen, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !If [UseSingle, !Ref N1, !Ref N2]}
  ConditionalRoute:
    Type: AWS::EC2::Route
    Condition: UseSingle
    Properties: {RouteTableId: !Ref Conditional, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref N1}
  RouteA:
    Type: AWS::EC2::Route
    Condition: UseSingle
    Properties: {RouteTableId: !Ref Alternatives, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref N1}
  RouteB:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Alternatives, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !If [UseSingle, !Ref "AWS::NoValue", igw-1]}
  ImportRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Import, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !ImportValue igw}
)");
  graph::DefaultRoute chosen = n.network->default_route(n.at("Chosen"));
  CHECK(chosen.egress == Egress::NatGateway);
  CHECK(chosen.target == nullptr);  // which one depends on the condition
  CHECK(n.network->default_route(n.at("Conditional")).egress == Egress::Unknown);
  CHECK(n.network->default_route(n.at("Import")).egress == Egress::Unknown);
  // RouteB is certain, so RouteA cannot coexist with it; but its target is conditional.
  CHECK(n.network->default_route(n.at("Alternatives")).egress == Egress::Unknown);
}

TEST_CASE("network: placements of groups, load balancers, functions and instances") {
  std::string text = std::string(kVpc) + R"(
  C:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.3.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  OneZone:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: 1, MaxSize: 2, VPCZoneIdentifier: [!Ref A, !Ref C]}
  TwoZones:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: 1, MaxSize: 2, VPCZoneIdentifier: [!Ref A, !Ref B]}
  PartlyUnknown:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: 1, MaxSize: 2, VPCZoneIdentifier: [!Ref A, subnet-123]}
  ByZone:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: {MinSize: 1, MaxSize: 2, AvailabilityZones: [us-east-1a]}
  Mapped:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {SubnetMappings: [{SubnetId: !Ref A}, {SubnetId: !Ref C}]}
  Function:
    Type: AWS::Lambda::Function
    Properties: {VpcConfig: {SubnetIds: [!Ref B]}}
  Server:
    Type: AWS::EC2::Instance
    Properties: {NetworkInterfaces: [{DeviceIndex: "0", SubnetId: !Ref B}]}
)" + kVpcOutputs;
  Net n(text);
  auto spread = [&](std::string_view id) {
    auto placements = n.network->placements(n.at(id));
    REQUIRE(placements);
    return graph::spread_of(*placements);
  };
  CHECK(spread("OneZone").one_zone() == Truth::True);
  CHECK(spread("OneZone").at_most() == 1);
  CHECK(spread("TwoZones").one_zone() == Truth::False);
  CHECK(spread("TwoZones").at_most() == 2);
  CHECK(spread("PartlyUnknown").one_zone() == Truth::Unknown);
  CHECK(spread("PartlyUnknown").at_most() == 2);
  CHECK(n.zone("ByZone") == "us-east-1a");
  CHECK(n.zone("OneZone") == "AZ #0");
  CHECK(n.zone("TwoZones") == "?");
  CHECK(n.zone("Mapped") == "AZ #0");
  CHECK(n.zone("Function") == "AZ #1");
  CHECK(n.zone("Server") == "AZ #1");
  CHECK(n.zone("Igw") == "?");
  CHECK_FALSE(n.network->placements(n.at("Igw")));
}

TEST_CASE("network: VPC blocks, primary and secondary") {
  Net n(R"(
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Ipam: {Type: AWS::EC2::VPC, Properties: {Ipv4IpamPoolId: ipam-pool-1, Ipv4NetmaskLength: 16}}
  Second: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/16}}
  V6: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, AmazonProvidedIpv6CidrBlock: true}}
  Subnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !GetAtt Vpc.VpcId, CidrBlock: 10.0.0.0/24}}
)");
  std::vector<graph::VpcBlock> blocks = n.network->vpc_blocks(n.at("Vpc"));
  REQUIRE(blocks.size() == 2);
  CHECK(graph::ipv4_cidr(blocks[0].cidr)->prefix == 16);
  CHECK(blocks[1].source == &n.at("Second"));
  CHECK(blocks[1].certain);
  CHECK(n.network->vpc_blocks(n.at("Ipam"))[0].cidr.is_unknown());
  CHECK(n.network->vpc_of(n.at("Subnet")) == &n.at("Vpc"));
}
