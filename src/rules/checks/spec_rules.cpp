#include "rules/checks/spec_rules.h"

#include <algorithm>
#include <charconv>
#include <deque>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules::specrules {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A one-pair mapping naming an intrinsic function ({"Ref": ...}, {"Fn::If": ...}): its value is
// what the resolver says, not the mapping as written.
bool is_function(const load::Node* node) {
  std::string_view key = node->single_key();
  return key == "Ref" || starts_with(key, "Fn::");
}

class Walker {
 public:
  // Values the resolver gives are kept in `keep`, for the objects that point into them.
  // Each object's keys are appended to `keys` (with the property each names) before the object
  // is visited with where they are; the walk goes on from them, so each name is looked up once.
  using Visit = std::function<void(const Object&, size_t first_key, size_t key_count)>;
  Walker(const graph::Resolver& resolver, const Visit& visit, std::deque<graph::Value>& keep,
         std::vector<Key>& keys)
      : resolver_(resolver), visit_(visit), keep_(keep), keys_(keys) {}

  // path_ and dotted_ hold the path of `at`: each level appends its segment and takes it off
  // again (PathSegment), so no string is built per node.
  void node(const load::Node* at, const spec::Shape& shape) {
    if (at == nullptr || at->is_scalar()) return;  // a scalar holds no object
    if (at->is_mapping() && is_function(at)) {
      if (!may_hold_objects(shape)) return;
      value(keep_.emplace_back(resolver_.resolve(at)), shape);
      return;
    }
    const spec::Shape* use = pick(shape, at->is_mapping(), at->is_sequence());
    if (use == nullptr) return;
    if (use->kind == spec::Kind::Object && at->is_mapping()) {
      Object object{use->object, at, nullptr, path_, dotted_, true, {}};
      size_t first = keys_.size();
      for (const load::Pair& pair : at->pairs)
        keys_.push_back({pair.key->text, pair.key, pair.value, use->object->find(pair.key->text)});
      size_t last = keys_.size();
      visit_(object, first, last - first);
      for (size_t k = first; k < last; ++k) {
        const Key key = keys_[k];  // a copy: the walk below appends to keys_
        if (key.property == nullptr || key.value == nullptr || key.value->is_scalar()) continue;
        PathSegment path(path_, "/", key.name);
        PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", key.name);
        node(key.value, key.property->shape);
      }
    } else if (use->kind == spec::Kind::List && at->is_sequence()) {
      PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", "*");
      for (size_t i = 0; i < at->items.size(); ++i) {
        if (at->items[i] == nullptr || at->items[i]->is_scalar()) continue;
        PathSegment path(path_, "/", i);
        node(at->items[i], *use->element);
      }
    } else if (use->kind == spec::Kind::Map && at->is_mapping()) {
      PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", "*");
      for (const load::Pair& pair : at->pairs) {
        if (pair.value == nullptr || pair.value->is_scalar()) continue;
        PathSegment path(path_, "/", pair.key->text);
        node(pair.value, *use->element);
      }
    }
  }

  void value(const graph::Value& resolved, const spec::Shape& shape) {
    for (const graph::Value& alternative : resolved.alternatives()) {
      bool is_map = alternative.kind == graph::ValueKind::Map;
      bool is_list = alternative.kind == graph::ValueKind::List;
      if (!is_map && !is_list) continue;  // nothing below holds an object
      const spec::Shape* use = pick(shape, is_map, is_list);
      if (use == nullptr) continue;
      if (use->kind == spec::Kind::Object && is_map) {
        const load::Node* mapping = alternative.node != nullptr && alternative.node->is_mapping()
                                        ? alternative.node
                                        : nullptr;
        Object object{use->object, mapping, &alternative, path_, dotted_, false, {}};
        size_t first = keys_.size();
        for (const auto& [name, field] : alternative.fields) {
          const load::Node* key = mapping != nullptr ? mapping->key_node(name) : nullptr;
          keys_.push_back({name, key, mapping != nullptr ? mapping->get(name) : nullptr,
                           use->object->find(name)});
        }
        visit_(object, first, keys_.size() - first);
        for (size_t i = 0; i < alternative.fields.size(); ++i) {
          const spec::Property* property = keys_[first + i].property;
          if (property == nullptr) continue;
          const auto& [name, field] = alternative.fields[i];
          PathSegment path(path_, "/", name);
          PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", name);
          value(field, property->shape);
        }
      } else if (use->kind == spec::Kind::List && is_list) {
        PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", "*");
        for (size_t i = 0; i < alternative.items.size(); ++i) {
          PathSegment path(path_, "/", i);
          value(alternative.items[i], *use->element);
        }
      } else if (use->kind == spec::Kind::Map && is_map) {
        PathSegment dotted(dotted_, dotted_.empty() ? "" : ".", "*");
        for (const auto& [name, field] : alternative.fields) {
          PathSegment path(path_, "/", name);
          value(field, *use->element);
        }
      }
    }
  }

  std::string path_ = "Properties";
  std::string dotted_;

 private:
  static bool may_hold_objects(const spec::Shape& shape) {
    switch (shape.kind) {
      case spec::Kind::Object:
      case spec::Kind::List:
      case spec::Kind::Map:
        return true;
      case spec::Kind::Union:
        return std::any_of(shape.alternatives.begin(), shape.alternatives.end(),
                           [](const spec::Shape& s) { return may_hold_objects(s); });
      default:
        return false;
    }
  }

  // The shape a written mapping or list takes: the shape itself, or the one alternative of a
  // union that is an Object/Map (for a mapping) or a List (for a list). Two such alternatives
  // cannot be told apart by what is written: nothing is checked.
  static const spec::Shape* pick(const spec::Shape& shape, bool mapping, bool list) {
    if (shape.kind != spec::Kind::Union) return &shape;
    const spec::Shape* found = nullptr;
    for (const spec::Shape& alternative : shape.alternatives) {
      bool fits =
          (mapping &&
           (alternative.kind == spec::Kind::Object || alternative.kind == spec::Kind::Map ||
            alternative.kind == spec::Kind::Json || alternative.kind == spec::Kind::Any)) ||
          (list && (alternative.kind == spec::Kind::List || alternative.kind == spec::Kind::Json ||
                    alternative.kind == spec::Kind::Any));
      if (!fits) continue;
      if (found != nullptr) return nullptr;
      found = &alternative;
    }
    return found;
  }

  const graph::Resolver& resolver_;
  const Visit& visit_;
  std::deque<graph::Value>& keep_;
  std::vector<Key>& keys_;
};

// SAM's resource types as of aws-sam-translator 1.110 (sorted: binary search).
const std::vector<std::string_view> kSamTypes = {"AWS::Serverless::Api",
                                                 "AWS::Serverless::Application",
                                                 "AWS::Serverless::CapacityProvider",
                                                 "AWS::Serverless::Connector",
                                                 "AWS::Serverless::Function",
                                                 "AWS::Serverless::GraphQLApi",
                                                 "AWS::Serverless::HttpApi",
                                                 "AWS::Serverless::LayerVersion",
                                                 "AWS::Serverless::SimpleTable",
                                                 "AWS::Serverless::StateMachine",
                                                 "AWS::Serverless::WebSocketApi"};

// Segment-wise: "A.*.B" is under "A" and names "A.0.B"; "Properties/A/0/B" is "A.0.B".
bool path_under(std::string_view path, std::string_view meant) {
  auto next = [](std::string_view& rest) {
    size_t end = rest.find_first_of("./");
    std::string_view segment = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    return segment;
  };
  if (starts_with(path, "Properties/")) path.remove_prefix(11);
  while (!meant.empty()) {
    if (path.empty()) return false;
    std::string_view a = next(path), b = next(meant);
    bool index =
        !a.empty() && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (a != b && !(b == "*" && (index || a == "*"))) return false;
  }
  return true;
}

}  // namespace

bool is_sam_type(std::string_view type) {
  return std::binary_search(kSamTypes.begin(), kSamTypes.end(), type);
}

const std::vector<std::string_view>& sam_types() {
  return kSamTypes;
}

bool outside_the_data(std::string_view type) {
  if (starts_with(type, "Custom::") || type == "AWS::CloudFormation::CustomResource") return true;
  if (starts_with(type, "AWS::Serverless::")) return true;
  // The AWS CDK's metadata resource: CloudFormation accepts it, and no schema describes it.
  if (type == "AWS::CDK::Metadata") return true;
  // A registry extension is named Organization::Service::Resource (a module adds ::MODULE),
  // each part alphanumeric; AWS and Alexa are AWS's own namespaces, in any case.
  // A module (...::MODULE) is the registry's to resolve, whatever its prefix looks like.
  if (type.size() >= 8 && type.substr(type.size() - 8) == "::MODULE") return true;
  // AWS's own namespace, the common case, in any shape: inside the data (or not a type).
  if (starts_with(type, "AWS::")) return false;
  // Three alphanumeric parts, split by "::"; no vector or string built (this runs for every
  // resource, several times).
  auto alphanumeric = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  std::string_view rest = type;
  std::string_view first;
  for (int part = 0; part < 3; ++part) {
    size_t sep = rest.find("::");
    if ((part == 2) != (sep == std::string_view::npos)) return false;
    std::string_view name = rest.substr(0, sep);
    if (name.empty() || !std::all_of(name.begin(), name.end(), alphanumeric)) return false;
    if (part == 0) first = name;
    rest.remove_prefix(sep == std::string_view::npos ? rest.size() : sep + 2);
  }
  auto is = [&](std::string_view word) {
    return first.size() == word.size() &&
           std::equal(first.begin(), first.end(), word.begin(), [](char a, char b) {
             return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
  };
  return !is("aws") && !is("alexa");
}

Rewrites::Rewrites(const graph::Template& tmpl, const validity::Generated& generated) {
  for (const std::string& transform : tmpl.transforms()) {
    if (transform != "AWS::Serverless-2016-10-31" && transform != "AWS::LanguageExtensions" &&
        transform != "AWS::Include")
      all_ = true;
  }
  if (generated.preprocessed()) all_ = true;
  if (all_) return;
  const load::Node* root = tmpl.root();
  const load::Node* resources = root->get("Resources");
  for (const load::Node* level : {root, resources}) {
    if (level == nullptr) continue;
    for (const load::Pair& pair : level->pairs) {
      if (pair.key->text == "Fn::Transform") all_ = true;
    }
  }
}

const Rewrites& rewrites(CheckContext& ctx) {
  return ctx.shared<Rewrites>(ctx.tmpl, ctx.shared<validity::Generated>(ctx.tmpl));
}

const spec::ResourceType* checked_type(CheckContext& ctx, const graph::Resource& resource) {
  if (resource.type.empty() || rewrites(ctx).all()) return nullptr;
  if (resource.node->is_mapping() && resource.node->get("Fn::Transform") != nullptr) return nullptr;
  return objects(ctx).type_of(resource);
}

PathSegment::PathSegment(std::string& path, std::string_view separator, std::string_view segment)
    : path_(path), size_(path.size()) {
  path.append(separator).append(segment);
}

PathSegment::PathSegment(std::string& path, std::string_view separator, size_t index)
    : path_(path), size_(path.size()) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  path.append(separator).append(digits, static_cast<size_t>(end - digits));
}

Objects::Objects(const graph::Template& tmpl, const graph::Resolver& resolver)
    : resources_(tmpl.resources().data()),
      ranges_(tmpl.resources().size()),
      types_(tmpl.resources().size(), nullptr) {
  // Paths go into one text while it grows; the views are made once it is complete.
  struct Texts {
    size_t path, path_size, dotted, dotted_size, keys, keys_size;
  };
  std::vector<Texts> texts;
  spec::Shape top;
  top.kind = spec::Kind::Object;
  auto record = [&](const Object& object, size_t first_key, size_t key_count) {
    texts.push_back({paths_.size(), object.path.size(), paths_.size() + object.path.size(),
                     object.dotted.size(), first_key, key_count});
    paths_.append(object.path).append(object.dotted);
    objects_.push_back(object);
  };
  const Walker::Visit visit = record;
  for (size_t i = 0; i < ranges_.size(); ++i) {
    const graph::Resource& resource = tmpl.resources()[i];
    ranges_[i].first = ranges_[i].second = objects_.size();
    if (resource.type.empty() || outside_the_data(resource.type)) continue;
    const spec::ResourceType* type = types_[i] = spec::find_resource_type(resource.type);
    if (type == nullptr || resource.properties == nullptr) continue;
    top.object = &type->properties;
    Walker(resolver, visit, resolved_, keys_).node(resource.properties, top);
    ranges_[i].second = objects_.size();
  }
  for (size_t i = 0; i < objects_.size(); ++i) {
    std::string_view all = paths_;
    objects_[i].path = all.substr(texts[i].path, texts[i].path_size);
    objects_[i].dotted = all.substr(texts[i].dotted, texts[i].dotted_size);
    objects_[i].keys = std::span<const Key>(keys_).subspan(texts[i].keys, texts[i].keys_size);
  }
}

std::span<const Object> Objects::of(const graph::Resource& resource) const {
  if (&resource < resources_ || &resource >= resources_ + ranges_.size()) return {};
  const auto& [first, last] = ranges_[static_cast<size_t>(&resource - resources_)];
  return std::span<const Object>(objects_).subspan(first, last - first);
}

const spec::ResourceType* Objects::type_of(const graph::Resource& resource) const {
  if (&resource < resources_ || &resource >= resources_ + types_.size()) {
    // Another template's resource (a linked stack's).
    return resource.type.empty() || outside_the_data(resource.type)
               ? nullptr
               : spec::find_resource_type(resource.type);
  }
  return types_[static_cast<size_t>(&resource - resources_)];
}

const Objects& objects(CheckContext& ctx) {
  return ctx.shared<Objects>(ctx.tmpl, ctx.resolver);
}

std::string describe(const Object& object, std::string_view resource_type) {
  if (object.dotted.empty()) return std::string(resource_type);
  std::string path;
  for (size_t i = 0; i < object.dotted.size(); ++i) {
    if (object.dotted.compare(i, 2, ".*") == 0) {
      path += "[]";
      ++i;
    } else {
      path += object.dotted[i];
    }
  }
  std::string_view named = object.dotted;  // the last named segment: "Rules" of "Rules.*"
  while (named.size() >= 2 && named.substr(named.size() - 2) == ".*") named.remove_suffix(2);
  size_t dot = named.rfind('.');
  std::string_view last = named.substr(dot == std::string_view::npos ? 0 : dot + 1);
  if (last != object.set->name) path += " (" + std::string(object.set->name) + ")";
  return path;
}

bool generated_key(std::string_view key) {
  return starts_with(key, "Fn::ForEach::") || key == "Fn::Transform" ||
         key.find("${") != std::string_view::npos || key.find("&{") != std::string_view::npos;
}

bool has_generated_keys(const Object& object) {
  if (object.mapping == nullptr) return false;
  return std::any_of(object.mapping->pairs.begin(), object.mapping->pairs.end(),
                     [](const load::Pair& pair) { return generated_key(pair.key->text); });
}

std::optional<Fix> replace_scalar(const load::Node* scalar, std::string_view replacement,
                                  std::string title) {
  if (scalar == nullptr || !scalar->is_scalar()) return std::nullopt;
  const load::Range& r = scalar->range;
  if (r.begin.line != r.end.line || r.end.column < r.begin.column) return std::nullopt;
  size_t width = r.end.column - r.begin.column;
  std::string text(replacement);
  if (scalar->style == load::ScalarStyle::Quoted && width == scalar->text.size() + 2) {
    text = "\"" + text + "\"";
  } else if (width != scalar->text.size()) {
    return std::nullopt;  // escapes or folding: the written text is not the value
  }
  return Fix{std::move(title), r, std::move(text)};
}

std::optional<Fix> replace_inside(const load::Node* scalar, size_t offset, size_t length,
                                  std::string_view replacement, std::string title) {
  if (scalar == nullptr || !scalar->is_scalar() || scalar->style != load::ScalarStyle::Plain)
    return std::nullopt;
  const load::Range& r = scalar->range;
  if (r.begin.line != r.end.line || r.end.column - r.begin.column != scalar->text.size() ||
      offset + length > scalar->text.size())
    return std::nullopt;
  load::Range inside = r;
  inside.begin.column = r.begin.column + static_cast<uint32_t>(offset);
  inside.end.column = inside.begin.column + static_cast<uint32_t>(length);
  return Fix{std::move(title), inside, std::string(replacement)};
}

const std::vector<std::string_view>& resource_attributes() {
  // Version: the custom resource's legacy attribute, which CloudFormation still accepts.
  static const std::vector<std::string_view> kKeys = {
      "Condition",  "CreationPolicy", "DeletionPolicy", "DependsOn",           "Metadata",
      "Properties", "Type",           "UpdatePolicy",   "UpdateReplacePolicy", "Version"};
  return kKeys;
}

bool is_resource_attribute(std::string_view key) {
  const std::vector<std::string_view>& keys = resource_attributes();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool is_unknown_key(const Object& object, const spec::ResourceType& type, const Key& key) {
  if (key.property != nullptr || generated_key(key.name)) return false;
  return !(object.dotted.empty() && type.attribute(key.name) != nullptr);
}

bool is_unknown_key(const Object& object, const spec::ResourceType& type, std::string_view key) {
  if (object.set->find(key) != nullptr || generated_key(key)) return false;
  // A read-only property (an attribute) written in Properties: CloudFormation's handling varies
  // by type, and cfn-lint accepts it; not proven wrong.
  return !(object.dotted.empty() && type.attribute(key) != nullptr);
}

std::string_view resource_key_near_miss(const graph::Resource& resource, std::string_view key) {
  if (is_resource_attribute(key) || resource.type.starts_with("AWS::Serverless::")) return {};
  if (key == "Connectors" || key == "IgnoreGlobals") return {};  // SAM's, on any resource
  return validity::closest(key, resource_attributes());
}

NearMisses::NearMisses(const graph::Template& tmpl, const Objects& objects, bool opaque) {
  if (opaque) return;  // T101 reports nothing: nothing is left to it
  for (const graph::Resource& resource : tmpl.resources()) {
    if (resource.node->is_mapping()) {
      for (const load::Pair& pair : resource.node->pairs) {
        std::string_view meant = resource_key_near_miss(resource, pair.key->text);
        if (!meant.empty()) meant_[resource.id].push_back(std::string("@").append(meant));
      }
    }
    std::span<const Object> walked = objects.of(resource);
    if (walked.empty()) continue;
    const spec::ResourceType* type = objects.type_of(resource);
    for (const Object& object : walked) {
      for (const Key& key : keys_of(object)) {
        if (!is_unknown_key(object, *type, key)) continue;
        std::string_view meant = object.set->closest(key.name);
        if (meant.empty()) continue;
        std::string path = object.dotted.empty()
                               ? std::string(meant)
                               : std::string(object.dotted) + "." + std::string(meant);
        meant_[resource.id].push_back(std::move(path));
      }
    }
  }
}

const NearMisses& near_misses(CheckContext& ctx) {
  bool opaque = rewrites(ctx).all();
  return ctx.shared<NearMisses>(ctx.tmpl, objects(ctx), opaque);
}

bool NearMisses::covers(std::string_view resource, std::string_view path) const {
  auto it = meant_.find(resource);
  if (it == meant_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& meant) { return path_under(path, meant); });
}

void drop_near_miss_findings(CheckContext& ctx, std::vector<Finding>& findings, size_t first) {
  if (first >= findings.size() || ctx.rule.id.empty() || ctx.rule.id[0] == 'T') return;
  const NearMisses* misses = nullptr;
  auto kept = std::remove_if(
      findings.begin() + static_cast<std::ptrdiff_t>(first), findings.end(),
      [&](const Finding& finding) {
        if (finding.resource.empty()) return false;
        // The path under "Resources/<resource>/", compared in place (no prefix string built).
        std::string_view path = finding.path;
        if (!starts_with(path, "Resources/")) return false;
        path.remove_prefix(10);
        if (!starts_with(path, finding.resource) || path.size() <= finding.resource.size() ||
            path[finding.resource.size()] != '/')
          return false;
        path.remove_prefix(finding.resource.size() + 1);
        if (path.empty()) return false;
        if (misses == nullptr) misses = &near_misses(ctx);
        // "DeletionPolicy": a resource attribute, not a property.
        std::string_view first_segment = path.substr(0, path.find('/'));
        if (path[0] != '@' && is_resource_attribute(first_segment) && first_segment != "Properties")
          return misses->covers(finding.resource, std::string("@").append(first_segment));
        return misses->covers(finding.resource, path);
      });
  findings.erase(kept, findings.end());
}

}  // namespace stacklint::rules::specrules
