#include "graph/network.h"

#include <map>
#include <unordered_set>

namespace stacklint::graph {

namespace {

constexpr std::string_view kSubnet = "AWS::EC2::Subnet";
constexpr std::string_view kRouteTable = "AWS::EC2::RouteTable";
constexpr std::string_view kVpc = "AWS::EC2::VPC";

std::string_view condition_name(const Resource& resource) {
  return resource.condition != nullptr && resource.condition->is_scalar()
             ? std::string_view(resource.condition->text)
             : std::string_view();
}

// The route for every IPv4 address, however the CIDR is written.
bool is_default_route(const Value& destination) {
  if (destination.kind != ValueKind::Scalar) return false;
  std::optional<Cidr> cidr = parse_cidr(destination.text);
  return cidr && !cidr->is_ipv6 && cidr->is_any();
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The template resource of a type that a Ref or Fn::GetAtt value names, or nullptr.
const Resource* referenced_of_type(const Resolver& resolver, const Value& value,
                                   std::string_view type) {
  const Resource* resource = resolver.referenced_resource(value);
  return resource != nullptr && resource->type == type ? resource : nullptr;
}

}  // namespace

std::string Zone::key() const {
  switch (form) {
    case Form::Name:
      return "name:" + name;
    case Form::Id:
      return "id:" + name;
    case Form::Index:
      return "index:" + region + "#" + std::to_string(index);
  }
  return {};
}

std::string Zone::label() const {
  if (form != Form::Index) return name;
  std::string label = "AZ #" + std::to_string(index);
  if (!region.empty()) label += " of " + region;
  return label;
}

Truth same_zone(const Zone& a, const Zone& b) {
  if (a.key() == b.key()) return Truth::True;
  if (a.form != b.form) return Truth::Unknown;
  // Two indexes into one region's list are different zones; across regions, who knows.
  if (a.form == Zone::Form::Index && a.region != b.region) return Truth::Unknown;
  return Truth::False;
}

std::optional<Zone> zone_of(const Value& value, Zone::Form literal_form) {
  std::optional<Zone> result;
  for (const Value& alternative : value.alternatives()) {
    Zone zone;
    if (alternative.kind == ValueKind::AvailabilityZone) {
      zone.form = Zone::Form::Index;
      zone.region = alternative.text;
      zone.index = alternative.index;
    } else if (alternative.kind == ValueKind::Scalar && !alternative.text.empty()) {
      zone.form = literal_form;
      zone.name = alternative.text;
    } else {
      return std::nullopt;
    }
    zone.node = alternative.node;
    if (result && result->key() != zone.key()) return std::nullopt;
    if (!result) result = std::move(zone);
  }
  return result;
}

Truth ZoneSpread::one_zone() const {
  // Zones of one form (and region, for indexes) with different keys are proven different.
  std::map<std::pair<Zone::Form, std::string>, int> per_space;
  for (const Zone& zone : zones) {
    if (++per_space[{zone.form, zone.form == Zone::Form::Index ? zone.region : ""}] > 1) {
      return Truth::False;
    }
  }
  if (unknown == 0 && zones.size() == 1) return Truth::True;
  return Truth::Unknown;
}

ZoneSpread spread_of(const std::vector<Placement>& placements) {
  ZoneSpread spread;
  std::unordered_set<std::string> seen;
  for (const Placement& placement : placements) {
    if (!placement.zone) {
      ++spread.unknown;
    } else if (seen.insert(placement.zone->key()).second) {
      spread.zones.push_back(*placement.zone);
    }
  }
  return spread;
}

bool exists_whenever(const Resource& child, const Resource& parent) {
  return child.condition == nullptr ||
         (!condition_name(child).empty() && condition_name(child) == condition_name(parent));
}

std::optional<Cidr> ipv4_cidr(const Value& value) {
  if (value.kind != ValueKind::Scalar) return std::nullopt;
  std::optional<Cidr> cidr = parse_cidr(value.text);
  if (!cidr || cidr->is_ipv6) return std::nullopt;
  return cidr;
}

Network::Network(const Template& tmpl, const Resolver& resolver)
    : template_(tmpl), resolver_(resolver) {
  // The SAM transform adds no routes; any other macro or Fn::ForEach may.
  for (const std::string& transform : tmpl.transforms()) {
    if (transform != "AWS::Serverless-2016-10-31") may_add_resources_ = true;
  }
  if (tmpl.may_generate_names() && !tmpl.has_transform()) may_add_resources_ = true;

  for (const Resource& resource : tmpl.resources()) {
    if (resource.type == "AWS::EC2::SubnetRouteTableAssociation") {
      Value subnet = resolver.property(resource, "SubnetId");
      bool certain = !subnet.is_choice();
      for (const Value& alternative : subnet.alternatives()) {
        if (const Resource* target = referenced_of_type(resolver, alternative, kSubnet)) {
          // nullptr marks an association that may or may not name this subnet.
          associations_[tmpl.index_of(*target)].push_back(certain ? &resource : nullptr);
        }
      }
    } else if (resource.type == "AWS::EC2::VPCCidrBlock") {
      Value cidr = resolver.property(resource, "CidrBlock");
      // An IPv6-only block (AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock) adds no IPv4 space.
      if (cidr.is_absent() && resolver.property(resource, "Ipv4IpamPoolId").is_absent()) continue;
      if (cidr.is_absent()) cidr = Value::unknown(resource.key);
      Value vpc = resolver.property(resource, "VpcId");
      for (const Value& alternative : vpc.alternatives()) {
        if (const Resource* target = referenced_of_type(resolver, alternative, kVpc)) {
          bool certain = !vpc.is_choice() && resource.condition == nullptr;
          secondary_blocks_[tmpl.index_of(*target)].push_back({cidr, &resource, certain});
        }
      }
    } else if (resource.type == "AWS::EC2::Route") {
      Value destination = resolver.property(resource, "DestinationCidrBlock");
      bool definite = is_default_route(destination);
      bool possible = definite;
      for (const Value& alternative : destination.alternatives()) {
        if (alternative.is_unknown() || is_default_route(alternative)) possible = true;
      }
      if (!possible) continue;
      Value table = resolver.property(resource, "RouteTableId");
      for (const Value& alternative : table.alternatives()) {
        if (const Resource* target = referenced_of_type(resolver, alternative, kRouteTable)) {
          bool certain = definite && !table.is_choice() && exists_whenever(resource, *target);
          default_routes_[tmpl.index_of(*target)].push_back({&resource, certain});
        }
      }
    }
  }
}

Value Network::subnet_az(const Resource& subnet) const {
  Value az = resolver_.property(subnet, "AvailabilityZone");
  if (az.is_absent()) az = resolver_.property(subnet, "AvailabilityZoneId");
  return az;
}

std::optional<Zone> Network::subnet_zone(const Resource& subnet) const {
  Value az = resolver_.property(subnet, "AvailabilityZone");
  if (!az.is_absent()) return zone_of(az, Zone::Form::Name);
  return zone_of(resolver_.property(subnet, "AvailabilityZoneId"), Zone::Form::Id);
}

const Resource* Network::route_table_of(const Resource& subnet,
                                        const Resource** association) const {
  auto it = associations_.find(template_.index_of(subnet));
  if (it == associations_.end() || it->second.size() != 1 || it->second[0] == nullptr) {
    return nullptr;
  }
  const Resource& found = *it->second[0];
  if (!exists_whenever(found, subnet)) return nullptr;
  Value table = resolver_.property(found, "RouteTableId");
  const Resource* route_table = referenced_of_type(resolver_, table, kRouteTable);
  if (route_table != nullptr && association != nullptr) *association = &found;
  return route_table;
}

bool Network::routes_complete(const Resource& route_table) const {
  if (may_add_resources_) return false;
  // Exported, or handed to a nested stack or custom resource: routes may be added elsewhere.
  for (uint32_t index : template_.edges_to(route_table)) {
    const Edge& edge = template_.edges()[index];
    if (edge.from.section == Section::Output) return false;
    if (edge.from.section != Section::Resource) continue;
    std::string_view type = template_.resources()[edge.from.index].type;
    if (type == "AWS::CloudFormation::Stack" || type == "AWS::Serverless::Application" ||
        type == "AWS::CloudFormation::CustomResource" || starts_with(type, "Custom::")) {
      return false;
    }
  }
  return true;
}

DefaultRoute Network::default_route(const Resource& route_table) const {
  DefaultRoute result;
  result.route_table = &route_table;
  auto it = default_routes_.find(template_.index_of(route_table));
  if (it == default_routes_.end()) {
    if (routes_complete(route_table)) result.egress = Egress::None;
    return result;
  }
  // A table holds one route per destination: a certain default route excludes the others.
  const Resource* certain = nullptr;
  for (const RouteEntry& entry : it->second) {
    if (!entry.certain) continue;
    if (certain != nullptr) return result;
    certain = entry.route;
  }
  if (certain == nullptr) return result;
  DefaultRoute target = route_target(*certain);
  target.route_table = &route_table;
  return target;
}

DefaultRoute Network::subnet_default_route(const Resource& subnet) const {
  const Resource* table = route_table_of(subnet);
  return table != nullptr ? default_route(*table) : DefaultRoute{};
}

DefaultRoute Network::route_target(const Resource& route) const {
  static constexpr std::string_view kOtherTargets[] = {
      "NetworkInterfaceId", "TransitGatewayId", "VpcPeeringConnectionId",      "VpcEndpointId",
      "CarrierGatewayId",   "LocalGatewayId",   "EgressOnlyInternetGatewayId", "CoreNetworkArn"};
  DefaultRoute result;
  result.route = &route;
  std::string_view present;
  Value target;
  auto consider = [&](std::string_view name) {
    Value value = resolver_.property(route, name);
    if (value.is_absent()) return true;
    for (const Value& alternative : value.alternatives()) {
      if (alternative.is_absent()) return false;  // present only under some condition
    }
    if (!present.empty()) return false;  // two targets: not a valid route
    present = name;
    target = std::move(value);
    return true;
  };
  for (std::string_view name : {"NatGatewayId", "GatewayId", "InstanceId"}) {
    if (!consider(name)) return result;
  }
  for (std::string_view name : kOtherTargets) {
    if (!consider(name)) return result;
  }
  if (present.empty()) return result;
  result.target_node = target.node;
  result.target = resolver_.referenced_resource(target);
  if (present == "NatGatewayId") {
    result.egress = Egress::NatGateway;
    if (result.target != nullptr && result.target->type != "AWS::EC2::NatGateway") {
      result.target = nullptr;
    }
  } else if (present == "InstanceId") {
    result.egress = Egress::NatInstance;
  } else if (present == "GatewayId") {
    std::string_view type;
    if (result.target != nullptr) type = result.target->type;
    if (type == "AWS::EC2::InternetGateway" ||
        (target.kind == ValueKind::Scalar && starts_with(target.text, "igw-"))) {
      result.egress = Egress::InternetGateway;
    } else if (type == "AWS::EC2::VPNGateway" ||
               (target.kind == ValueKind::Scalar && starts_with(target.text, "vgw-"))) {
      result.egress = Egress::Other;
    }
  } else {
    result.egress = Egress::Other;
  }
  return result;
}

const Resource* Network::subnet_of(const Resource& resource) const {
  return referenced_of_type(resolver_, resolver_.property(resource, "SubnetId"), kSubnet);
}

std::optional<Zone> Network::linked_subnet_zone(const Value& value, LinkedResource* found) const {
  const Linker* linker = resolver_.linker();
  if (linker == nullptr || value.origin == nullptr || value.origin == resolver_.stack()) {
    return std::nullopt;
  }
  LinkedResource linked = resolver_.linked_resource(value);
  const Network* network = linker->network_of(linked.stack);
  if (linked.resource == nullptr || linked.resource->type != kSubnet || network == nullptr) {
    return std::nullopt;
  }
  if (found != nullptr) *found = linked;
  return network->subnet_zone(*linked.resource);
}

Placement Network::placement_of_subnet_value(const Value& value, const Node* fallback) const {
  Placement placement;
  placement.node = value.node != nullptr ? value.node : fallback;
  if (!value.is_choice()) {
    placement.subnet = referenced_of_type(resolver_, value, kSubnet);
    if (placement.subnet != nullptr) {
      placement.zone = subnet_zone(*placement.subnet);
    } else {
      placement.zone = linked_subnet_zone(value, &placement.linked);
    }
    return placement;
  }
  // Fn::If between subnets: a zone only when every branch's subnet is in the same one.
  for (const Value& alternative : value.alternatives()) {
    const Resource* subnet = referenced_of_type(resolver_, alternative, kSubnet);
    std::optional<Zone> zone =
        subnet != nullptr ? subnet_zone(*subnet) : linked_subnet_zone(alternative, nullptr);
    if (!zone || (placement.zone && placement.zone->key() != zone->key())) {
      placement.zone.reset();
      return placement;
    }
    if (!placement.zone) placement.zone = std::move(zone);
  }
  return placement;
}

Placement Network::placement_of_zone_value(const Value& value, const Node* fallback) const {
  Placement placement;
  placement.node = value.node != nullptr ? value.node : fallback;
  placement.zone = zone_of(value);
  return placement;
}

std::optional<std::vector<Placement>> Network::list_placements(const Value& list,
                                                               bool zones) const {
  if (list.kind != ValueKind::List) return std::nullopt;
  std::vector<Placement> placements;
  for (const Value& item : list.items) {
    // A nested list hides how many subnets there are.
    if (item.kind == ValueKind::List) return std::nullopt;
    placements.push_back(zones ? placement_of_zone_value(item, list.node)
                               : placement_of_subnet_value(item, list.node));
  }
  return placements;
}

std::optional<std::vector<Placement>> Network::placements(const Resource& resource) const {
  std::string_view type = resource.type;
  auto subnets_or_zones = [&](std::string_view subnets_path, std::string_view zones_path) {
    Value subnets = resolver_.property(resource, subnets_path);
    if (!subnets.is_absent()) return list_placements(subnets, false);
    if (zones_path.empty()) return std::optional<std::vector<Placement>>();
    Value zones = resolver_.property(resource, zones_path);
    if (zones.is_absent()) return std::optional<std::vector<Placement>>();
    return list_placements(zones, true);
  };
  if (type == "AWS::AutoScaling::AutoScalingGroup") {
    return subnets_or_zones("VPCZoneIdentifier", "AvailabilityZones");
  }
  if (type == "AWS::ElasticLoadBalancing::LoadBalancer") {
    return subnets_or_zones("Subnets", "AvailabilityZones");
  }
  if (type == "AWS::ElasticLoadBalancingV2::LoadBalancer") {
    Value subnets = resolver_.property(resource, "Subnets");
    if (!subnets.is_absent()) return list_placements(subnets, false);
    Value mappings = resolver_.property(resource, "SubnetMappings");
    if (mappings.kind != ValueKind::List) return std::nullopt;
    Value ids;
    ids.kind = ValueKind::List;
    ids.node = mappings.node;
    for (const Value& mapping : mappings.items) ids.items.push_back(mapping.get("SubnetId"));
    return list_placements(ids, false);
  }
  if (type == "AWS::Lambda::Function" || type == "AWS::Serverless::Function") {
    return subnets_or_zones("VpcConfig.SubnetIds", "");
  }
  if (type == "AWS::ECS::Service") {
    return subnets_or_zones("NetworkConfiguration.AwsvpcConfiguration.Subnets", "");
  }
  if (type == "AWS::EC2::Instance") {
    Value subnet = resolver_.property(resource, "SubnetId");
    if (subnet.is_absent()) {
      // Without SubnetId, the primary network interface names the subnet.
      Value interfaces = resolver_.property(resource, "NetworkInterfaces");
      if (interfaces.kind == ValueKind::List && !interfaces.items.empty()) {
        subnet = interfaces.items[0].get("SubnetId");
      }
    }
    if (!subnet.is_absent()) {
      return std::vector<Placement>{placement_of_subnet_value(subnet, resource.key)};
    }
    Value zone = resolver_.property(resource, "AvailabilityZone");
    if (zone.is_absent()) return std::nullopt;
    return std::vector<Placement>{placement_of_zone_value(zone, resource.key)};
  }
  return std::nullopt;
}

std::optional<Zone> Network::zone_of_resource(const Resource& resource) const {
  std::string_view type = resource.type;
  if (type == kSubnet) return subnet_zone(resource);
  if (type == "AWS::EC2::Volume") return zone_of(resolver_.property(resource, "AvailabilityZone"));
  if (type == "AWS::EC2::NatGateway" || type == "AWS::EC2::NetworkInterface" ||
      type == "AWS::EFS::MountTarget") {
    const Resource* subnet = subnet_of(resource);
    return subnet != nullptr ? subnet_zone(*subnet) : std::nullopt;
  }
  std::optional<std::vector<Placement>> placements = this->placements(resource);
  if (!placements) return std::nullopt;
  ZoneSpread spread = spread_of(*placements);
  if (spread.one_zone() != Truth::True) return std::nullopt;
  return spread.zones[0];
}

}  // namespace stacklint::graph

namespace stacklint::graph {

std::vector<VpcBlock> Network::vpc_blocks(const Resource& vpc) const {
  std::vector<VpcBlock> blocks;
  Value primary = resolver_.property(vpc, "CidrBlock");
  if (primary.is_absent()) primary = Value::unknown(vpc.key);  // from an IPAM pool
  blocks.push_back({std::move(primary), &vpc, true});
  auto it = secondary_blocks_.find(template_.index_of(vpc));
  if (it != secondary_blocks_.end()) {
    blocks.insert(blocks.end(), it->second.begin(), it->second.end());
  }
  return blocks;
}

const Resource* Network::vpc_of(const Resource& resource) const {
  return referenced_of_type(resolver_, resolver_.property(resource, "VpcId"), kVpc);
}

}  // namespace stacklint::graph
