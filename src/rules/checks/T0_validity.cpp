#include "rules/checks/T0_validity.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>

#include "rules/checks/wildcard.h"
#include "spec/spec.h"

namespace stacklint::rules::validity {

namespace {

constexpr std::string_view kSam = "AWS::Serverless-2016-10-31";
constexpr std::string_view kLanguageExtensions = "AWS::LanguageExtensions";
constexpr std::string_view kForEach = "Fn::ForEach::";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool has_placeholder(std::string_view name) {
  return name.find("${") != std::string_view::npos || name.find("&{") != std::string_view::npos;
}

// A Fn::ForEach output key such as "Topic${Name}" as a glob: "Topic*".
std::string as_glob(std::string_view key) {
  std::string glob;
  for (size_t i = 0; i < key.size(); ++i) {
    if ((key[i] == '$' || key[i] == '&') && i + 1 < key.size() && key[i + 1] == '{') {
      size_t close = key.find('}', i);
      if (close != std::string_view::npos) {
        glob += '*';
        i = close;
        continue;
      }
    }
    glob += key[i];
  }
  return glob;
}

// Whether a mapping repeats a key (T002's question, answered for the whole tree at once).
bool repeats_a_key(const load::Node& mapping) {
  // The node's own list (a std::vector here would be a copy of it, made for every mapping).
  const auto& pairs = mapping.pairs;
  constexpr size_t kSmallMapping = 16;  // compared directly; a sorted copy for large ones
  if (pairs.size() <= kSmallMapping) {
    for (size_t p = 1; p < pairs.size(); ++p) {
      for (size_t q = 0; q < p; ++q) {
        if (pairs[q].key->text == pairs[p].key->text) return true;
      }
    }
    return false;
  }
  thread_local std::vector<std::string_view> keys;  // kept: this runs for every large mapping
  keys.clear();
  for (const load::Pair& pair : pairs) keys.push_back(pair.key->text);
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  return edit_distance_within(a, b, std::max(a.size(), b.size()));
}

size_t edit_distance_within(std::string_view a, std::string_view b, size_t limit) {
  return spec::edit_distance_within(a, b, limit);
}

namespace {

// Which letters (folded to 64 bits) a name has. An edit adds or removes at most two letters,
// so half the differing bits bound the distance from below.
uint64_t letter_mask(std::string_view name) {
  uint64_t mask = 0;
  for (char c : name)
    mask |= uint64_t{1} << (static_cast<unsigned char>(spec::ascii_lower(c)) % 64);
  return mask;
}

}  // namespace

Suggestions::Suggestions(std::vector<std::string_view> candidates, size_t work)
    : candidates_(std::move(candidates)), work_(work) {}

std::string_view Suggestions::closest(std::string_view name) const {
  // A third of the name may be wrong: "Resource" -> "Resources", "VPCID" -> "VpcId".
  size_t limit = std::max<size_t>(1, name.size() / 3);
  std::string_view best;
  size_t best_distance = limit + 1;
  uint64_t mask = letter_mask(name);
  // Work is bounded per name (kSuggestionWork: one unit per candidate looked at, one per cell
  // of an edit-distance table), so thousands of undefined names against thousands of
  // candidates stay linear. Deterministic; on a huge template a suggestion may be missed.
  size_t work = 0;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    std::string_view candidate = candidates_[i];
    if (++work > work_) break;
    // Letter masks are computed on first use and kept for the next name (within the bound).
    if (i == masks_.size()) {
      work += candidate.size();
      masks_.push_back(letter_mask(candidate));
    }
    size_t length_gap = candidate.size() > name.size() ? candidate.size() - name.size()
                                                       : name.size() - candidate.size();
    if (length_gap >= best_distance || candidate == name) continue;
    if ((static_cast<size_t>(std::popcount(mask ^ masks_[i])) + 1) / 2 >= best_distance) continue;
    work += name.size() * candidate.size();
    if (work > work_) break;
    size_t d = edit_distance_within(name, candidate, best_distance - 1);
    if (d < best_distance) best = candidate, best_distance = d;
  }
  return best;
}

std::string_view closest(std::string_view name, const std::vector<std::string_view>& candidates,
                         size_t work) {
  return Suggestions(candidates, work).closest(name);
}

std::string did_you_mean(std::string_view name, const Suggestions& candidates) {
  std::string_view best = candidates.closest(name);
  return best.empty() ? std::string() : " Did you mean " + std::string(best) + "?";
}

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates) {
  return did_you_mean(name, Suggestions(candidates));
}

std::string suggest_or(std::string_view name, const Suggestions& candidates,
                       std::string otherwise) {
  std::string suggestion = did_you_mean(name, candidates);
  return suggestion.empty() ? otherwise : suggestion;
}

std::string suggest_or(std::string_view name, const std::vector<std::string_view>& candidates,
                       std::string otherwise) {
  std::string suggestion = did_you_mean(name, candidates);
  return suggestion.empty() ? otherwise : suggestion;
}

Generated::Generated(const graph::Template& tmpl) {
  for (const std::string& transform : tmpl.transforms()) {
    if (transform == kSam) {
      sam_ = true;
    } else if (transform != kLanguageExtensions) {
      opaque_ = true;
    }
  }
  // AWS::Serverless::* types exist only through SAM: a template without the Transform line is
  // still meant for it (sam-translator's own inputs, templates deployed by `sam deploy`).
  for (const graph::Resource& resource : tmpl.resources()) {
    if (starts_with(resource.type, "AWS::Serverless::")) sam_ = true;
  }
  for (const graph::Resource& resource : tmpl.resources()) {
    // A registry module (Type: Org::Service::Name::MODULE) names what it expands to after the
    // module's logical id, as SAM does.
    bool embedded_connectors = resource.node->is_mapping() && resource.node->get("Connectors");
    if ((sam_ && (starts_with(resource.type, "AWS::Serverless::") || embedded_connectors)) ||
        resource.type.ends_with("::MODULE")) {
      Generator generator;
      generator.id = resource.id;
      generators_.push_back(std::move(generator));
    }
  }
  if (sam_) read_sam(tmpl);
  // One pass over the tree for what the graph does not record: loops, inline macros and
  // computed map names. The stack of nodes to visit is the thread's, kept from one template to
  // the next: grown anew for each template, it was most of this walk's allocations.
  thread_local std::vector<const load::Node*> pending;
  pending.assign(1, tmpl.root());
  while (!pending.empty()) {
    const load::Node* node = pending.back();
    pending.pop_back();
    if (node == nullptr) continue;
    if (node->is_null()) has_null_ = true;
    if (!repeats_keys_ && node->pairs.size() > 1) repeats_keys_ = repeats_a_key(*node);
    for (const load::Node* item : node->items) pending.push_back(item);
    for (const load::Pair& pair : node->pairs) {
      std::string_view key = pair.key->text;
      const load::Node* value = pair.value;
      pending.push_back(value);
      // Every key looked for starts with F, R or Q: most keys are passed over at their first
      // letter (this walk visits the whole tree).
      if (key.empty() || (key[0] != 'F' && key[0] != 'R' && key[0] != 'Q')) continue;
      // Fn::Transform runs a macro; Fn::Rain::* (!Rain::Module, ...) is a preprocessor's.
      if (starts_with(key, "Fn::Rain::") || starts_with(key, "Rain::"))
        opaque_ = preprocessed_ = true;
      if (key == "Fn::Transform") opaque_ = true;
      if ((key == "QueueLogicalId" || key == "QueuePolicyLogicalId") && value->is_scalar())
        named_ids_.push_back(value->text);
      if (key == "Fn::FindInMap" && value->is_sequence() && !value->items.empty() &&
          !value->items[0]->is_scalar()) {
        dynamic_find_in_map_ = true;
      }
      if (starts_with(key, kForEach) && value->is_sequence() && !value->items.empty()) {
        if (value->items[0]->is_scalar()) loop_identifiers_.push_back(value->items[0]->text);
        if (value->items.size() > 2 && value->items[2]->is_mapping()) {
          for (const load::Pair& output : value->items[2]->pairs) {
            if (!starts_with(output.key->text, kForEach))
              name_patterns_.push_back(as_glob(output.key->text));
          }
        }
      }
    }
  }
}

namespace {

bool is_function_node(const load::Node* node) {
  std::string_view key = node != nullptr ? node->single_key() : std::string_view();
  return key == "Ref" || starts_with(key, "Fn::");
}

// Whether a SAM property is certainly written: present, and not a Fn::If that may leave it out.
bool written(const load::Node* map, std::string_view key) {
  const load::Node* value = map != nullptr && map->is_mapping() ? map->get(key) : nullptr;
  return value != nullptr && !value->is_null() && value->single_key() != "Fn::If";
}

// A SAM property, or nullptr: absent, or `map` is not a literal mapping.
const load::Node* sam_property(const load::Node* map, std::string_view key) {
  return map != nullptr && map->is_mapping() && !is_function_node(map) ? map->get(key) : nullptr;
}

}  // namespace

void Generated::read_sam(const graph::Template& tmpl) {
  const load::Node* globals = tmpl.root()->get("Globals");
  const load::Node* global_function = sam_property(globals, "Function");
  bool global_alias = sam_property(global_function, "AutoPublishAlias") != nullptr;
  code_deploy_ = sam_property(global_function, "DeploymentPreference") != nullptr;
  usage_plan_ = sam_property(sam_property(globals, "Api"), "Auth") != nullptr;
  for (Generator& generator : generators_) {
    const graph::Resource& resource = *tmpl.resource(generator.id);
    const load::Node* properties = resource.properties;
    bool literal =
        properties == nullptr || (properties->is_mapping() && !is_function_node(properties));
    if (resource.type == "AWS::Serverless::Api") {
      usage_plan_ = usage_plan_ || !literal || sam_property(properties, "Auth") != nullptr;
    }
    bool function = resource.type == "AWS::Serverless::Function";
    if (!function && resource.type != "AWS::Serverless::StateMachine") continue;
    if (!literal) {
      implicit_rest_api_ = implicit_http_api_ = code_deploy_ = true;
      continue;
    }
    const load::Node* alias = sam_property(properties, "AutoPublishAlias");
    generator.may_publish_alias = !function || global_alias || alias != nullptr;
    if (function) {
      // Names are exact only when nothing the template leaves open can add to them.
      const load::Node* events_node = sam_property(properties, "Events");
      generator.exact =
          (global_function == nullptr ||
           (global_function->is_mapping() && !is_function_node(global_function))) &&
          !written(properties, "Connectors") &&
          (events_node == nullptr || (events_node->is_mapping() && !is_function_node(events_node)));
      // SAM names the alias <Function>Alias<name>; a name with other characters, or one from
      // Globals or a parameter, is left open.
      if (alias != nullptr && alias->is_scalar() &&
          std::all_of(alias->text.begin(), alias->text.end(),
                      [](unsigned char c) { return std::isalnum(c); })) {
        generator.alias = alias->text;
      }
      auto either = [&](std::string_view key) {
        return sam_property(properties, key) != nullptr ||
               sam_property(global_function, key) != nullptr;
      };
      generator.deployment_group = either("DeploymentPreference");
      generator.url = either("FunctionUrlConfig");
      generator.invoke_config = either("EventInvokeConfig");
    }
    code_deploy_ = code_deploy_ || (function && sam_property(properties, "DeploymentPreference"));
    generator.role_written = written(properties, "Role");
    // The implicit APIs serve Api and HttpApi events that name no API of their own.
    const load::Node* events = sam_property(properties, "Events");
    if (events == nullptr) continue;
    if (!events->is_mapping() || is_function_node(events)) {
      // Computed events: any event id, so any name after the resource's.
      implicit_rest_api_ = implicit_http_api_ = true;
      generator.role_written = false;
      continue;
    }
    for (const load::Pair& event : events->pairs) {
      generator.events.push_back(event.key->text);
      const load::Node* type = sam_property(event.value, "Type");
      if (type == nullptr || !type->is_scalar()) {
        implicit_rest_api_ = implicit_http_api_ = true;
        continue;
      }
      const load::Node* event_properties = sam_property(event.value, "Properties");
      bool literal_event = event_properties != nullptr && event_properties->is_mapping() &&
                           !is_function_node(event_properties);
      if (type->text == "Api" && !(literal_event && written(event_properties, "RestApiId")))
        implicit_rest_api_ = true;
      if (type->text == "HttpApi" && !(literal_event && written(event_properties, "ApiId")))
        implicit_http_api_ = true;
    }
  }
}

bool Generated::may_name(const Generator& generator, std::string_view name) const {
  std::string_view suffix = name.substr(generator.id.size());
  // <Function>Role exists only when the function names no role of its own (an event whose id
  // starts with "Role" still names things <Function>Role...).
  if (suffix == "Role" && generator.role_written) {
    return std::any_of(generator.events.begin(), generator.events.end(),
                       [&](std::string_view event) { return starts_with(suffix, event); });
  }
  // !Ref Function.Version / Function.Alias resolve only with AutoPublishAlias.
  if (suffix == ".Version" || suffix == ".Alias") return generator.may_publish_alias;
  if (!generator.exact) return true;
  // A function's names (sam-translator; docs/sam.md): <Function>Role, <Function><Event>...
  // (permissions, rules, subscriptions, mappings), <Function>Version<hash> and
  // <Function>Alias<name>, <Function>DeploymentGroup, <Function>Url[PublicPermissions],
  // <Function>EventInvokeConfig....
  if (std::any_of(generator.events.begin(), generator.events.end(),
                  [&](std::string_view event) { return starts_with(suffix, event); })) {
    return true;
  }
  if (suffix == "Role") return !generator.role_written;
  if (generator.may_publish_alias) {
    if (starts_with(suffix, "Version")) return true;
    if (starts_with(suffix, "Alias")) {
      return generator.alias.empty() || suffix.substr(5) == generator.alias;
    }
  }
  if (suffix == "DeploymentGroup") return generator.deployment_group;
  if (suffix == "Url" || suffix == "UrlPublicPermissions") return generator.url;
  // EventInvokeConfig's created destinations, also reached as !Ref F.DestinationTopic/Queue.
  if (starts_with(suffix, "EventInvokeConfig") || suffix == ".DestinationTopic" ||
      suffix == ".DestinationQueue") {
    return generator.invoke_config;
  }
  return false;
}

bool Generated::may_be_resource(std::string_view name) const {
  if (opaque_ || has_placeholder(name)) return true;
  // SAM names what it generates after the resource it expands (FunctionRole, ApiProdStage,
  // Function.Version), or with fixed prefixes for implicit APIs, CodeDeploy, usage plans and
  // custom domains.
  for (const Generator& generator : generators_) {
    if (starts_with(name, generator.id) && may_name(generator, name)) return true;
  }
  if (sam_) {
    if (std::find(named_ids_.begin(), named_ids_.end(), name) != named_ids_.end()) return true;
    if ((starts_with(name, "ServerlessRestApi") && implicit_rest_api_) ||
        (starts_with(name, "ServerlessHttpApi") && implicit_http_api_) ||
        ((name == "ServerlessDeploymentApplication" || name == "CodeDeployServiceRole") &&
         code_deploy_) ||
        ((name == "ServerlessUsagePlan" || name == "ServerlessUsagePlanKey" ||
          name == "ServerlessApiKey") &&
         usage_plan_)) {
      return true;
    }
    // Custom domains: names with a hash of the domain.
    if (starts_with(name, "ApiGatewayDomainName") || starts_with(name, "RecordSetGroup") ||
        starts_with(name, "DomainNameAccessAssociation")) {
      return true;
    }
  }
  return std::any_of(name_patterns_.begin(), name_patterns_.end(), [&](const std::string& glob) {
    return wildcard_match(glob, name, {.question_mark = false});
  });
}

bool Generated::is_loop_name(std::string_view name) const {
  return has_placeholder(name) || std::find(loop_identifiers_.begin(), loop_identifiers_.end(),
                                            name) != loop_identifiers_.end();
}

bool uncertain_target(const graph::Edge& edge, const Generated& generated) {
  if (generated.opaque() || generated.is_loop_name(edge.target)) return true;
  switch (edge.kind) {
    case graph::EdgeKind::Ref:
    case graph::EdgeKind::Sub:
    case graph::EdgeKind::GetAtt:
    case graph::EdgeKind::DependsOn:
      return generated.may_be_resource(edge.target);
    case graph::EdgeKind::Condition:
    case graph::EdgeKind::FindInMap:
      return false;
  }
  return false;
}

std::string owner_path(const graph::Template& tmpl, const graph::Owner& owner) {
  switch (owner.section) {
    case graph::Section::Resource:
      return "Resources/" + tmpl.resources()[owner.index].id;
    case graph::Section::Output:
      return "Outputs/" + tmpl.outputs()[owner.index].id;
    case graph::Section::Condition:
      return "Conditions/" + tmpl.conditions()[owner.index].id;
    case graph::Section::Parameter:
      return "Parameters/" + tmpl.parameters()[owner.index].id;
    case graph::Section::Mapping:
      return "Mappings/" + tmpl.mappings()[owner.index].id;
    case graph::Section::Rules:
      return "Rules";
  }
  return "";
}

void report_undefined(CheckContext& ctx, graph::EdgeKind kind,
                      const std::vector<std::string_view>& candidates, std::string_view problem,
                      std::string_view otherwise) {
  const Suggestions suggestions(candidates);  // one index for every finding
  for_each_undefined(ctx, kind, [&](const graph::Edge& edge) {
    std::string message(problem);
    message.replace(message.find("{}"), 2, edge.target);
    message += ", so CloudFormation rejects the template.";
    message += suggest_or(edge.target, suggestions, std::string(otherwise));
    report_edge(ctx, edge, std::move(message));
  });
}

bool uses_are_visible(CheckContext& ctx) {
  return !ctx.tmpl.may_generate_names() && !ctx.shared<Generated>(ctx.tmpl).opaque();
}

std::vector<std::string_view> referable_names(const graph::Template& tmpl) {
  std::vector<std::string_view> names = ids_of(tmpl.parameters());
  for (std::string_view id : ids_of(tmpl.resources())) names.push_back(id);
  for (std::string_view id : graph::pseudo_parameters()) names.push_back(id);
  return names;
}

Finding& report_edge(CheckContext& ctx, const graph::Edge& edge, std::string message) {
  return report_edge(ctx, edge, edge.range, std::move(message));
}

Finding& report_edge(CheckContext& ctx, const graph::Edge& edge, load::Range range,
                     std::string message) {
  std::string resource;
  if (edge.from.section == graph::Section::Resource)
    resource = ctx.tmpl.resources()[edge.from.index].id;
  return ctx.report_at(range, std::move(message), owner_path(ctx.tmpl, edge.from),
                       std::move(resource));
}

}  // namespace stacklint::rules::validity
