// T108 getatt-unknown-attribute: Fn::GetAtt (or ${X.Attr} in Fn::Sub) names an attribute that
// the target resource's type does not have.
#include <algorithm>

#include "rules/checks/T0_validity.h"
#include "rules/checks/spec_rules.h"

namespace stacklint::rules {

namespace {

bool dotted_under(std::string_view longer, std::string_view prefix) {
  return longer.size() > prefix.size() && longer.substr(0, prefix.size()) == prefix &&
         longer[prefix.size()] == '.';
}

// Whether `attribute` is not proven wrong though not listed: a field under a known attribute
// whose fields the data does not enumerate, or a prefix of dotted attributes ("Endpoint" of
// "Endpoint.Address", where CloudFormation and cfn-lint disagree for some types).
bool extends_known(const spec::ResourceType& type, std::string_view attribute) {
  for (const spec::Attribute& known : type.attributes) {
    if (dotted_under(known.name, attribute)) return true;
    if (!dotted_under(attribute, known.name)) continue;
    bool enumerated = std::any_of(
        type.attributes.begin(), type.attributes.end(),
        [&](const spec::Attribute& other) { return dotted_under(other.name, known.name); });
    if (!enumerated) return true;
  }
  return false;
}

// Types whose attributes are not a fixed list: a nested stack's and a provisioned product's
// Outputs.<Name>, which the data lists only as the prefix.
bool open_attributes(std::string_view type) {
  return type == "AWS::CloudFormation::Stack" ||
         type == "AWS::ServiceCatalog::CloudFormationProvisionedProduct";
}

}  // namespace

STACKLINT_CHECK(T108) {
  for (const graph::Edge& edge : ctx.tmpl.edges()) {
    bool getatt = edge.kind == graph::EdgeKind::GetAtt;
    if (!getatt && !(edge.kind == graph::EdgeKind::Sub && !edge.attribute.empty())) continue;
    if (edge.target_kind != graph::TargetKind::Resource || edge.attribute.empty()) continue;
    const graph::Resource& target = ctx.tmpl.resources()[edge.target_index];
    const spec::ResourceType* type = specrules::checked_type(ctx, target);
    if (type == nullptr || open_attributes(target.type)) continue;
    if (type->attribute(edge.attribute) != nullptr || extends_known(*type, edge.attribute))
      continue;
    std::vector<std::string_view> names;
    for (const spec::Attribute& attribute : type->attributes) names.push_back(attribute.name);
    std::string_view meant = validity::closest(edge.attribute, names);
    std::string message =
        (getatt ? "Fn::GetAtt" : std::string("${") + edge.target + "." + edge.attribute + "}") +
        std::string(" asks ") + edge.target + " (" + target.type + ") for " + edge.attribute +
        ", which that type does not have: CloudFormation rejects the template.";
    if (!meant.empty()) {
      message += " Did you mean " + std::string(meant) + "?";
    } else if (names.empty()) {
      message += " " + target.type + " has no attributes; use Ref " + edge.target + ".";
    } else {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 8; ++i)
        list += (i == 0 ? "" : ", ") + std::string(names[i]);
      if (names.size() > 8) list += ", ...";
      message += " Its attributes: " + list + ".";
    }
    // Where the attribute is written: the second item of [Name, Attribute], after the dot of
    // Name.Attribute, or inside ${Name.Attribute}.
    load::Range range = edge.range;
    std::optional<Fix> fix;
    std::string title = "Replace with " + std::string(meant);
    const load::Node* arg = edge.arg;
    if (getatt && arg != nullptr && arg->is_sequence() && arg->items.size() > 1) {
      range = arg->items[1]->range;
      if (!meant.empty()) fix = specrules::replace_scalar(arg->items[1], meant, title);
    } else if (getatt && arg != nullptr && arg->is_scalar()) {
      range = arg->range;
      if (!meant.empty())
        fix = specrules::replace_inside(arg, edge.target.size() + 1, edge.attribute.size(), meant,
                                        title);
    } else if (!getatt && !meant.empty()) {
      const load::Range& r = edge.range;
      if (r.begin.line == r.end.line &&
          r.end.column - r.begin.column == edge.target.size() + 1 + edge.attribute.size()) {
        load::Range inside = r;
        inside.begin.column += static_cast<uint32_t>(edge.target.size() + 1);
        fix = Fix{title, inside, std::string(meant)};
      }
    }
    Finding& finding = validity::report_edge(ctx, edge, range, std::move(message));
    if (fix) finding.fixes.push_back(std::move(*fix));
  }
}

}  // namespace stacklint::rules
