// graph/network: the template's network as it places resources. Which Availability Zone a
// subnet is in, which route table and default route give a subnet its egress, and which subnets
// and zones a resource (ASG, load balancer, Lambda function, instance, ...) is placed in.
//
// Built once per template (indexes over the subnets, associations and routes; linear), then
// asked. Every answer is what the template proves: when it does not, the answer says unknown
// (std::nullopt, Egress::Unknown, Truth::Unknown), never a guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/cidr.h"
#include "graph/resolver.h"
#include "graph/template.h"
#include "graph/value.h"

namespace stacklint::graph {

// An Availability Zone the template proves: a literal zone name ("us-east-1a"), a literal zone
// id ("use1-az1"), or the region's AZ #n (Fn::Select [n, Fn::GetAZs region]).
struct Zone {
  enum class Form : uint8_t { Name, Id, Index };
  Form form = Form::Name;
  std::string name;            // Name, Id: the literal
  std::string region;          // Index: the Fn::GetAZs region, "" for the stack's own
  int64_t index = 0;           // Index
  const Node* node = nullptr;  // where the zone is written

  // Equal keys are the same zone. Different keys are different zones only when same_zone()
  // says False: "us-east-1a" and "AZ #0" may well be the same zone.
  std::string key() const;
  // For messages: "us-east-1a", "use1-az1", "AZ #1", "AZ #1 of eu-west-1".
  std::string label() const;
};

// True: the same zone. False: proven different (two literal names, two literal ids, or two
// indexes into the same region's list). Unknown: the forms cannot be compared.
Truth same_zone(const Zone& a, const Zone& b);

// The zone a resolved AvailabilityZone (or AvailabilityZoneId, with `form` Id) value proves:
// every alternative the same zone. nullopt when unknown or when Fn::If branches disagree.
std::optional<Zone> zone_of(const Value& value, Zone::Form literal_form = Zone::Form::Name);

// Where a subnet's (or route table's) traffic for 0.0.0.0/0 goes.
enum class Egress : uint8_t {
  None,             // proven: the route table has no route for 0.0.0.0/0
  InternetGateway,  // GatewayId of an AWS::EC2::InternetGateway (or a literal igw-...)
  NatGateway,       // NatGatewayId
  NatInstance,      // InstanceId: an instance that forwards the traffic
  Other,            // a transit gateway, VPC endpoint, peering connection, ENI, VPN gateway, ...
  Unknown,
};

struct DefaultRoute {
  Egress egress = Egress::Unknown;
  const Resource* route_table = nullptr;  // the route table, when the template names it
  const Resource* route = nullptr;        // the AWS::EC2::Route for 0.0.0.0/0, when there is one
  const Node* target_node = nullptr;      // the target's value (NatGatewayId: ...)
  const Resource* target = nullptr;       // the NAT gateway, gateway or instance, when one of ours
};

// One entry of a resource's subnet or zone list (VPCZoneIdentifier, Subnets, ...).
struct Placement {
  const Node* node = nullptr;        // where the entry is written
  const Resource* subnet = nullptr;  // the AWS::EC2::Subnet of the template it names, if any
  std::optional<Zone> zone;          // its proven zone
  // The subnet when it is one of another stack of the run (imported, a nested stack's output,
  // passed by the parent stack); `subnet` is then null.
  LinkedResource linked;
};

// The zones of a list of placements.
struct ZoneSpread {
  std::vector<Zone> zones;  // distinct proven zones (by key), in order of first appearance
  size_t unknown = 0;       // entries whose zone the template does not prove

  // True: every entry proven in one zone. False: two entries proven in different zones.
  Truth one_zone() const;
  // An upper bound on the number of zones (each entry is one subnet in one zone).
  size_t at_most() const { return zones.size() + unknown; }
};

ZoneSpread spread_of(const std::vector<Placement>& placements);

// Whether `child` exists whenever `parent` does: it has no Condition, or the same one.
bool exists_whenever(const Resource& child, const Resource& parent);

// The IPv4 block a value proves: a scalar (not a choice) that parses as an IPv4 CIDR.
std::optional<Cidr> ipv4_cidr(const Value& value);

// An IPv4 block of a VPC: its own CidrBlock or an AWS::EC2::VPCCidrBlock's.
struct VpcBlock {
  Value cidr;                        // as resolved: unknown for an IPAM allocation
  const Resource* source = nullptr;  // the VPC or the AWS::EC2::VPCCidrBlock
  bool certain = false;  // exists whenever the VPC does (unconditional, names this VPC alone)
};

class Network {
 public:
  Network(const Template& tmpl, const Resolver& resolver);

  // A subnet's AvailabilityZone (or AvailabilityZoneId) as resolved: Absent when AWS chooses.
  Value subnet_az(const Resource& subnet) const;
  // The subnet's proven zone.
  std::optional<Zone> subnet_zone(const Resource& subnet) const;

  // The route table explicitly associated with a subnet (through the association), or nullptr
  // when the template does not prove one: no association means the VPC's main route table,
  // which a template cannot name.
  const Resource* route_table_of(const Resource& subnet,
                                 const Resource** association = nullptr) const;
  // The route for 0.0.0.0/0 of a route table.
  DefaultRoute default_route(const Resource& route_table) const;
  // The default route of a subnet's route table (Unknown without a proven route table).
  DefaultRoute subnet_default_route(const Resource& subnet) const;

  // A NAT gateway's (or an instance's, ...) SubnetId subnet, when it is one of the template.
  const Resource* subnet_of(const Resource& resource) const;

  // The subnets (or zones) a resource is placed in: an ASG's VPCZoneIdentifier or
  // AvailabilityZones, a load balancer's Subnets / SubnetMappings / AvailabilityZones, a Lambda
  // function's VpcConfig.SubnetIds, an instance's SubnetId or AvailabilityZone, ... nullopt when
  // the resource has no such list or the template does not prove it (a parameter without
  // default, Fn::If branches that differ).
  std::optional<std::vector<Placement>> placements(const Resource& resource) const;
  // The one zone a resource is proven to be in (a subnet, a NAT gateway, an instance, or a
  // resource whose every placement is proven in the same zone), or nullopt.
  std::optional<Zone> zone_of_resource(const Resource& resource) const;

  // A VPC's IPv4 blocks: its CidrBlock (or Ipv4IpamPoolId, unknown) and every
  // AWS::EC2::VPCCidrBlock that may name it.
  std::vector<VpcBlock> vpc_blocks(const Resource& vpc) const;
  // The VPC of the template a resource's VpcId names (not a choice), or nullptr.
  const Resource* vpc_of(const Resource& resource) const;

 private:
  struct RouteEntry {
    const Resource* route;
    bool certain;  // its table, destination and existence follow from its table's existence
  };

  Placement placement_of_subnet_value(const Value& value, const Node* fallback) const;
  // The zone of a subnet of another stack that a value names, through that stack's network.
  std::optional<Zone> linked_subnet_zone(const Value& value, LinkedResource* found) const;
  Placement placement_of_zone_value(const Value& value, const Node* fallback) const;
  std::optional<std::vector<Placement>> list_placements(const Value& list, bool zones) const;
  DefaultRoute route_target(const Resource& route) const;
  bool routes_complete(const Resource& route_table) const;

  const Template& template_;
  const Resolver& resolver_;
  // By resource index: the subnet's associations, the route table's default-route candidates.
  std::unordered_map<uint32_t, std::vector<const Resource*>> associations_;
  std::unordered_map<uint32_t, std::vector<RouteEntry>> default_routes_;
  std::unordered_map<uint32_t, std::vector<VpcBlock>> secondary_blocks_;
  bool may_add_resources_ = false;  // a macro or Fn::ForEach may generate more routes
};

}  // namespace stacklint::graph
