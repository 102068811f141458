// R133: a spread placement group holds at most seven running instances per Availability Zone.
// Reported on an ASG whose MaxSize exceeds seven per zone it can use, and on a placement group
// with more than seven of the template's instances proven in one zone.
#include <map>
#include <unordered_map>

#include "rules/check.h"
#include "rules/checks/network_rules.h"

namespace stacklint::rules {
namespace {

constexpr int kPerZone = 7;

// Rack-level spreading (the default) has the limit; host-level spreading is for Outposts.
bool is_rack_spread(const graph::Resolver& resolver, const PlacementGroupOf& group) {
  if (group.strategy != "spread") return false;
  graph::Value level = resolver.property(*group.group, "SpreadLevel");
  return level.is_absent() || (level.kind == graph::ValueKind::Scalar && level.text == "rack");
}

}  // namespace

STACKLINT_CHECK(R133) {
  const graph::Network& network = ctx.network();
  for (const graph::Resource* group :
       ctx.tmpl.resources_of_type("AWS::AutoScaling::AutoScalingGroup")) {
    PlacementGroupOf placement_group = placement_group_of(ctx.resolver, *group);
    if (placement_group.group == nullptr || !is_rack_spread(ctx.resolver, placement_group)) {
      continue;
    }
    graph::Value max_size = ctx.resolver.property(*group, "MaxSize");
    std::optional<double> maximum = max_size.as_number();
    std::optional<std::vector<graph::Placement>> placements = network.placements(*group);
    if (!maximum || !placements || placements->empty()) continue;
    size_t zones = graph::spread_of(*placements).at_most();
    if (*maximum <= static_cast<double>(kPerZone * zones)) continue;
    Finding& finding = ctx.report(
        *group, max_size.node,
        "Auto Scaling group " + group->id + " may grow to " + max_size.text +
            " instances in spread placement group " + placement_group.group->id +
            ", which holds at most 7 per Availability Zone, and the group can use at most " +
            std::to_string(zones) + (zones == 1 ? " zone" : " zones") + " (" +
            std::to_string(kPerZone * zones) +
            " instances): launches beyond that fail. Lower MaxSize, add subnets in more zones, "
            "or use a partition placement group.",
        "Properties/MaxSize");
    note(finding, placement_group.named_at,
         "placement group " + placement_group.group->id + " (strategy spread)");
    note_placements(finding, *placements);
  }

  // Instances of the template in one spread group, counted per proven zone.
  std::map<std::pair<uint32_t, std::string>, std::vector<const graph::Resource*>> per_zone;
  std::unordered_map<std::string, graph::Zone> zones_by_key;
  for (const graph::Resource* instance : ctx.tmpl.resources_of_type("AWS::EC2::Instance")) {
    if (instance->condition != nullptr) continue;  // may not exist
    PlacementGroupOf placement_group = placement_group_of(ctx.resolver, *instance);
    if (placement_group.group == nullptr || !is_rack_spread(ctx.resolver, placement_group)) {
      continue;
    }
    std::optional<graph::Zone> zone = network.zone_of_resource(*instance);
    if (!zone) continue;
    zones_by_key.try_emplace(zone->key(), *zone);
    per_zone[{ctx.tmpl.index_of(*placement_group.group), zone->key()}].push_back(instance);
  }
  for (const auto& [key, instances] : per_zone) {
    if (instances.size() <= static_cast<size_t>(kPerZone)) continue;
    const graph::Resource& group = ctx.tmpl.resources()[key.first];
    const graph::Zone& zone = zones_by_key.at(key.second);
    Finding& finding = ctx.report(
        group, nullptr,
        "Spread placement group " + group.id + " gets " + std::to_string(instances.size()) +
            " instances of this template in " + zone.label() +
            ", but holds at most 7 running instances per Availability Zone: the launches "
            "beyond seven fail. Move instances to other zones, or use a partition placement "
            "group.");
    for (const graph::Resource* instance : instances) {
      note(finding, instance->key, "instance " + instance->id + " is in " + zone.label());
    }
  }
}

}  // namespace stacklint::rules
