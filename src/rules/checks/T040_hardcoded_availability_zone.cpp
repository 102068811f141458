// T040 hardcoded-availability-zone: an AZ written by name (literally, as the region and a letter
// through Fn::Sub or Fn::Join, or in a mapping that Fn::FindInMap reads) in a property that
// places a resource.
#include <re2/re2.h>

#include <cstdlib>
#include <optional>
#include <set>

#include "rules/checks/T0_validity.h"
#include "rules/checks/network_rules.h"

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

// A zone written by name: the text that names it, and how ("us-east-1a", "${AWS::Region}a").
struct NamedZone {
  const load::Node* at;  // the literal that carries the zone's name or letter
  std::string name;      // as CloudFormation will see it, the region written ${AWS::Region}
  const load::Node* find_in_map = nullptr;  // the Fn::FindInMap that reads it, if any
};

// A piece of a string a function builds: literal text, or the stack's region.
struct Piece {
  bool region = false;
  std::string text;
  const load::Node* at = nullptr;
};

// The intrinsic function a node is ("Ref", "Fn::Sub", ...), or empty.
std::string_view function_of(const load::Node* node) {
  std::string_view key = node->is_mapping() ? node->single_key() : std::string_view();
  return key == "Ref" || key.starts_with("Fn::") ? key : std::string_view();
}

bool is_region_ref(const load::Node* node) {
  if (node == nullptr || node->single_key() != "Ref") return false;
  const load::Node* arg = node->pairs[0].value;
  return arg->is_scalar() && arg->text == "AWS::Region";
}

// The pieces of a string written literally, as {Ref: AWS::Region}, or built from those by
// Fn::Sub and Fn::Join; false when any piece is something else (a parameter, an import, ...):
// a parameter's value is chosen by whoever deploys, so it is not written by name here.
bool pieces_of(const load::Node* node, std::vector<Piece>& out, int depth = 0) {
  if (node == nullptr || depth > 8) return false;
  if (node->is_scalar()) {
    out.push_back({false, node->text, node});
    return true;
  }
  if (is_region_ref(node)) {
    out.push_back({true, "", node});
    return true;
  }
  std::string_view fn = function_of(node);
  const load::Node* arg = fn.empty() ? nullptr : node->pairs[0].value;
  if (fn == "Fn::Join") {
    if (!arg->is_sequence() || arg->items.size() != 2 || !arg->items[0]->is_scalar() ||
        !arg->items[1]->is_sequence()) {
      return false;
    }
    const load::Node* delimiter = arg->items[0];
    for (size_t i = 0; i < arg->items[1]->items.size(); ++i) {
      if (i > 0 && !delimiter->text.empty()) out.push_back({false, delimiter->text, delimiter});
      if (!pieces_of(arg->items[1]->items[i], out, depth + 1)) return false;
    }
    return true;
  }
  if (fn == "Fn::Sub") {
    const load::Node* text = arg;
    const load::Node* variables = nullptr;
    if (arg->is_sequence() && !arg->items.empty()) {
      text = arg->items[0];
      if (arg->items.size() > 1) variables = arg->items[1];
    }
    if (!text->is_scalar()) return false;
    std::string_view s = text->text;
    size_t i = 0;
    while (i < s.size()) {
      size_t open = s.find("${", i);
      size_t close = open == std::string_view::npos ? open : s.find('}', open + 2);
      if (close == std::string_view::npos) {
        out.push_back({false, std::string(s.substr(i)), text});
        break;
      }
      if (open > i) out.push_back({false, std::string(s.substr(i, open - i)), text});
      std::string_view name = s.substr(open + 2, close - open - 2);
      name.remove_prefix(std::min(name.find_first_not_of(" \t"), name.size()));
      name.remove_suffix(name.size() - std::min(name.find_last_not_of(" \t") + 1, name.size()));
      const load::Node* local =
          variables != nullptr && variables->is_mapping() ? variables->get(name) : nullptr;
      if (!name.empty() && name[0] == '!') {
        out.push_back({false, "${" + std::string(name.substr(1)) + "}", text});
      } else if (local != nullptr) {
        if (!pieces_of(local, out, depth + 1)) return false;
      } else if (name == "AWS::Region") {
        out.push_back({true, "", text});
      } else {
        return false;
      }
      i = close + 1;
    }
    return true;
  }
  return false;
}

// Whether a string built of pieces names a zone: a zone name written whole, or the stack's
// region followed by a zone letter (or a Local Zone's suffix such as "-lax-1a").
std::optional<NamedZone> zone_of(const std::vector<Piece>& pieces) {
  std::vector<Piece> merged;
  for (const Piece& piece : pieces) {
    if (!piece.region && piece.text.empty()) continue;
    if (!piece.region && !merged.empty() && !merged.back().region) {
      merged.back().text += piece.text;
      merged.back().at = piece.at;  // the text that ends the name carries the letter
    } else {
      merged.push_back(piece);
    }
  }
  static const RE2 suffix("(-[a-z]+-[0-9]+)?[a-z]");
  if (merged.size() == 1 && !merged[0].region && RE2::FullMatch(merged[0].text, az_name())) {
    return NamedZone{merged[0].at, merged[0].text};
  }
  if (merged.size() == 2 && merged[0].region && !merged[1].region &&
      RE2::FullMatch(merged[1].text, suffix)) {
    return NamedZone{merged[1].at, "${AWS::Region}" + merged[1].text};
  }
  return std::nullopt;
}

// The values a Fn::FindInMap may return: the leaves at its keys, every key where a key is not
// written literally (the region, a parameter). Empty when the map is not a literal mapping.
std::vector<const load::Node*> map_leaves(const graph::Template& tmpl, const load::Node* arg) {
  std::vector<const load::Node*> leaves;
  if (!arg->is_sequence() || arg->items.size() < 3 || !arg->items[0]->is_scalar()) return leaves;
  const graph::Declaration* mapping = tmpl.mapping(arg->items[0]->text);
  if (mapping == nullptr) return leaves;
  std::vector<const load::Node*> level{mapping->node};
  for (size_t k = 1; k < 3; ++k) {
    const load::Node* key = arg->items[k];
    std::vector<const load::Node*> next;
    for (const load::Node* map : level) {
      if (!map->is_mapping()) continue;
      if (key->is_scalar()) {
        if (const load::Node* value = map->get(key->text)) next.push_back(value);
      } else {
        for (const load::Pair& pair : map->pairs) next.push_back(pair.value);
      }
    }
    level = std::move(next);
  }
  return level;
}

// Calls found(zone) for each zone written by name at `path` under `node`: through both branches
// of Fn::If, into the mapping leaves a Fn::FindInMap reads, and the items Fn::Select picks.
// What a Fn::FindInMap reads, as text: the mapping, each key (or "any" where it is not written
// literally), the Fn::Select index around it, and the property path. Two readers with the same
// signature reach the same leaves, whose findings are reported once; walking them again would
// make the rule quadratic (n subnets reading one wide mapping).
std::string read_signature(const load::Node* arg, std::string_view select, std::string_view path) {
  std::string signature;
  for (size_t k = 0; k < 3 && k < arg->items.size(); ++k) {
    signature += arg->items[k]->is_scalar() ? arg->items[k]->text : std::string("\x01");
    signature += '\0';
  }
  signature.append(select).append(1, '\0').append(path);
  return signature;
}

template <typename Found>
void zones_at(const graph::Template& tmpl, const load::Node* node, std::string_view path,
              Found found, std::set<std::string>& walked, const load::Node* find_in_map = nullptr) {
  if (node == nullptr) return;
  std::string_view fn = function_of(node);
  const load::Node* arg = fn.empty() ? nullptr : node->pairs[0].value;
  if (fn == "Fn::If") {
    for (size_t i = 1; i < arg->items.size() && i < 3; ++i)
      zones_at(tmpl, arg->items[i], path, found, walked, find_in_map);
    return;
  }
  if (fn == "Fn::FindInMap") {
    if (!arg->is_sequence() || !walked.insert(read_signature(arg, "", path)).second) return;
    for (const load::Node* leaf : map_leaves(tmpl, arg))
      zones_at(tmpl, leaf, path, found, walked, node);
    return;
  }
  if (fn == "Fn::Select" && arg->is_sequence() && arg->items.size() == 2) {
    // The item a literal index picks (any item, when the index is not literal), from a list
    // written here or from the lists of zones a Fn::FindInMap reads.
    const load::Node* index = arg->items[0];
    char* end = nullptr;
    size_t i = index->is_scalar() ? std::strtoul(index->text.c_str(), &end, 10) : 0;
    bool literal = end != nullptr && *end == '\0' && !index->text.empty();
    std::vector<const load::Node*> lists{arg->items[1]};
    const load::Node* reader = find_in_map;
    if (function_of(arg->items[1]) == "Fn::FindInMap") {
      reader = arg->items[1];
      const load::Node* read = reader->pairs[0].value;
      if (!read->is_sequence() ||
          !walked.insert(read_signature(read, literal ? index->text : "\x01", path)).second)
        return;
      lists = map_leaves(tmpl, read);
    }
    for (const load::Node* list : lists) {
      for (size_t k = 0; k < list->items.size(); ++k) {
        if (!literal || k == i) zones_at(tmpl, list->items[k], path, found, walked, reader);
      }
    }
    return;
  }
  if (path.empty()) {
    std::vector<Piece> pieces;
    if (!pieces_of(node, pieces)) return;
    if (std::optional<NamedZone> zone = zone_of(pieces)) {
      zone->find_in_map = find_in_map;
      found(*zone);
    }
    return;
  }
  size_t dot = path.find('.');
  std::string_view segment = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (segment == "*") {
    for (const load::Node* item : node->items)
      zones_at(tmpl, item, rest, found, walked, find_in_map);
  } else if (node->is_mapping() && fn.empty()) {
    zones_at(tmpl, node->get(segment), rest, found, walked, find_in_map);
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
  std::set<const load::Node*> reported;
  std::set<std::string> walked;  // the mapping reads already followed (read_signature)
  for (const AzProperty& property : kAzProperties) {
    for (const graph::Resource* resource : ctx.tmpl.resources_of_type(property.type)) {
      zones_at(
          ctx.tmpl, resource->properties, property.path,
          [&](const NamedZone& zone) {
            // A mapping's zone may be read by several resources: one finding, at the mapping.
            if (!reported.insert(zone.at).second) return;
            // The property as people write it: lists have no "*".
            std::string name(property.path);
            for (size_t star; (star = name.find(".*")) != std::string::npos;) name.erase(star, 2);
            bool by_letter = zone.name.starts_with("${");
            std::string where = resource->id + "." + name;
            if (zone.find_in_map != nullptr) where += " (through Fn::FindInMap)";
            Finding& finding = ctx.report(
                *resource, zone.at,
                "Availability Zone " + zone.name + " is hard-coded in " + where +
                    (by_letter
                         ? ": zone letters differ between accounts, not every region has that "
                           "letter, and the template hides how the stack spreads over zones. "
                         : ": the template only works in that zone's region and hides how "
                           "the stack spreads over zones (and zone letters differ between "
                           "accounts). ") +
                    "Use !Select [N, !GetAZs \"\"] or a parameter of type "
                    "AWS::EC2::AvailabilityZone::Name.",
                "Properties/" + name);
            if (zone.find_in_map != nullptr)
              note(finding, zone.find_in_map, resource->id + "." + name + " reads it here");
          },
          walked);
    }
  }
}

}  // namespace stacklint::rules
