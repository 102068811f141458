// T040 hardcoded-availability-zone: a literal AZ name in a property that places a resource.
#include <re2/re2.h>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

struct AzProperty {
  std::string_view type;
  std::string_view path;  // dotted; "*" is each item of a list
};

// Properties that choose where a resource runs. AWS::EC2::Volume and AWS::EC2::Host are left
// out: they live in one AZ by nature and must name it (a volume follows its instance).
constexpr AzProperty kAzProperties[] = {
    {"AWS::AutoScaling::AutoScalingGroup", "AvailabilityZones.*"},
    {"AWS::DAX::Cluster", "AvailabilityZones.*"},
    {"AWS::DMS::ReplicationInstance", "AvailabilityZone"},
    {"AWS::EC2::Instance", "AvailabilityZone"},
    {"AWS::EC2::LaunchTemplate", "LaunchTemplateData.Placement.AvailabilityZone"},
    {"AWS::EC2::SpotFleet",
     "SpotFleetRequestConfigData.LaunchSpecifications.*.Placement.AvailabilityZone"},
    {"AWS::EC2::SpotFleet",
     "SpotFleetRequestConfigData.LaunchTemplateConfigs.*.Overrides.*.AvailabilityZone"},
    {"AWS::EC2::Subnet", "AvailabilityZone"},
    {"AWS::ElastiCache::CacheCluster", "PreferredAvailabilityZone"},
    {"AWS::ElastiCache::CacheCluster", "PreferredAvailabilityZones.*"},
    {"AWS::ElastiCache::ReplicationGroup", "PreferredCacheClusterAZs.*"},
    {"AWS::ElasticLoadBalancing::LoadBalancer", "AvailabilityZones.*"},
    {"AWS::ElasticLoadBalancingV2::TargetGroup", "Targets.*.AvailabilityZone"},
    {"AWS::EMR::Cluster", "Instances.Placement.AvailabilityZone"},
    {"AWS::Glue::Connection", "ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone"},
    {"AWS::OpsWorks::Instance", "AvailabilityZone"},
    {"AWS::RDS::DBCluster", "AvailabilityZones.*"},
    {"AWS::RDS::DBInstance", "AvailabilityZone"},
    {"AWS::Redshift::Cluster", "AvailabilityZone"},
};

// us-east-1a, us-gov-west-1b, us-west-2-lax-1a (a Local Zone). "all" does not match.
const RE2& az_name() {
  static const RE2 re("[a-z]{2}(-[a-z]+)+-[0-9]+(-[a-z]+-[0-9]+)?[a-z]");
  return re;
}

// Calls found(scalar) for each literal at `path` under `node`, through both branches of Fn::If.
template <typename Found>
void literals_at(const load::Node* node, std::string_view path, Found found) {
  if (node == nullptr) return;
  if (node->is_mapping() && node->single_key() == "Fn::If") {
    const load::Node* arg = node->pairs[0].value;
    for (size_t i = 1; i < arg->items.size() && i < 3; ++i) literals_at(arg->items[i], path, found);
    return;
  }
  if (path.empty()) {
    if (node->is_scalar()) found(node);
    return;
  }
  size_t dot = path.find('.');
  std::string_view segment = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (segment == "*") {
    for (const load::Node* item : node->items) literals_at(item, rest, found);
  } else if (node->is_mapping()) {
    literals_at(node->get(segment), rest, found);
  }
}

}  // namespace

STACKLINT_CHECK(T040) {
  // CDK synthesises zones from its context lookups: the fix belongs in the CDK app, which
  // this template does not show.
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    if (resource.type == "AWS::CDK::Metadata" ||
        (resource.metadata != nullptr && resource.metadata->is_mapping() &&
         resource.metadata->get("aws:cdk:path") != nullptr)) {
      return;
    }
  }
  for (const AzProperty& property : kAzProperties) {
    for (const graph::Resource* resource : ctx.tmpl.resources_of_type(property.type)) {
      literals_at(resource->properties, property.path, [&](const load::Node* literal) {
        if (!RE2::FullMatch(literal->text, az_name())) return;
        // The property as people write it: lists have no "*".
        std::string name(property.path);
        for (size_t star; (star = name.find(".*")) != std::string::npos;) name.erase(star, 2);
        ctx.report(*resource, literal,
                   "Availability Zone " + literal->text + " is hard-coded in " + resource->id +
                       "." + name +
                       ": the template only works in that zone's region and hides how the "
                       "stack spreads over zones (and zone letters differ between accounts). "
                       "Use !Select [N, !GetAZs \"\"] or a parameter of type "
                       "AWS::EC2::AvailabilityZone::Name.",
                   "Properties/" + name);
      });
    }
  }
}

}  // namespace stacklint::rules
