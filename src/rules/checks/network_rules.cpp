#include "rules/checks/network_rules.h"

namespace stacklint::rules {

std::string join_names(const std::vector<std::string>& names) {
  std::string joined;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) joined += i + 1 == names.size() ? " and " : ", ";
    joined += names[i];
  }
  return joined;
}

void note(Finding& finding, const load::Node* at, std::string message) {
  if (at != nullptr) finding.related.push_back({at->range, std::move(message), {}, at});
}

void note_zone(Finding& finding, const graph::Zone& zone, const std::string& what,
               const load::Node* fallback) {
  note(finding, zone.node != nullptr ? zone.node : fallback, what + " is in " + zone.label());
}

void note_placements(Finding& finding, const std::vector<graph::Placement>& placements) {
  for (const graph::Placement& placement : placements) {
    if (!placement.zone) continue;
    const graph::Resource* subnet =
        placement.subnet != nullptr ? placement.subnet : placement.linked.resource;
    std::string what = subnet != nullptr ? "subnet " + subnet->id : "zone";
    note_zone(finding, *placement.zone, what, subnet != nullptr ? subnet->key : placement.node);
  }
}

PresentProperty first_present(const graph::Resource& resource,
                              std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (const load::Node* node = resource.property(name)) return {std::string(name), node};
  }
  return {};
}

namespace {

// The placement group name in the launch template a group or instance launches from, when the
// template proves which version: its latest or default one, whose data the template holds. A
// literal version number may name an older version with other data.
const load::Node* launch_template_group_name(const graph::Resolver& resolver,
                                             const graph::Resource& resource) {
  graph::Value spec = resolver.property(resource, "LaunchTemplate");
  if (spec.is_absent()) {
    spec = resolver.property(resource,
                             "MixedInstancesPolicy.LaunchTemplate."
                             "LaunchTemplateSpecification");
  }
  const graph::Resource* launch_template =
      resolver.referenced_resource(spec.get("LaunchTemplateId"));
  if (launch_template == nullptr || launch_template->type != "AWS::EC2::LaunchTemplate") {
    return nullptr;
  }
  graph::Value version = spec.get("Version");
  if (version.kind != graph::ValueKind::ResourceRef || version.text != launch_template->id ||
      (version.attribute != "LatestVersionNumber" && version.attribute != "DefaultVersionNumber")) {
    return nullptr;
  }
  const load::Node* data = launch_template->property("LaunchTemplateData");
  const load::Node* placement =
      data != nullptr && data->is_mapping() ? data->get("Placement") : nullptr;
  return placement != nullptr && placement->is_mapping() ? placement->get("GroupName") : nullptr;
}

}  // namespace

PlacementGroupOf placement_group_of(const graph::Resolver& resolver,
                                    const graph::Resource& resource) {
  PlacementGroupOf result;
  const load::Node* named = resource.type == "AWS::AutoScaling::AutoScalingGroup"
                                ? resource.property("PlacementGroup")
                                : resource.property("PlacementGroupName");
  if (named == nullptr) named = launch_template_group_name(resolver, resource);
  if (named == nullptr) return result;
  const graph::Resource* group = resolver.referenced_resource(resolver.resolve(named));
  if (group == nullptr || group->type != "AWS::EC2::PlacementGroup") return result;
  graph::Value strategy = resolver.property(*group, "Strategy");
  if (strategy.kind != graph::ValueKind::Scalar) return result;
  result.group = group;
  result.strategy = strategy.text;
  result.named_at = named;
  return result;
}

}  // namespace stacklint::rules
