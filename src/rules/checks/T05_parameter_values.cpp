// T050 parameter-value-invalid, T051 parameter-not-declared, T052 parameter-value-missing: the
// values supplied for a stack's parameters (--parameter-file, --parameter) against the
// template's declarations, as CloudFormation checks them before it deploys.
#include <re2/re2.h>

#include "rules/checks/T0_validity.h"

namespace stacklint::rules {

namespace {

using graph::SuppliedValue;
using load::Node;

// Why a value is refused, and the part of the declaration that refuses it.
struct Refusal {
  const Node* at;
  std::string why;
};

bool is_list_type(std::string_view type) {
  return type == "CommaDelimitedList" || type.rfind("List<", 0) == 0;
}

// A constraint's number (MinLength: 3 or "3"), or nullopt when it is not a literal number.
std::optional<double> number_of(const Node* node) {
  if (node == nullptr || !node->is_scalar()) return std::nullopt;
  return graph::Value::literal(node).as_number();
}

// Provably not a number: empty, or a character no number has. ("1e3" and "-0.5" are numbers;
// odd spellings such as "1-2" are left alone: unknown.)
bool not_a_number(std::string_view text) {
  if (text.empty()) return true;
  return text.find_first_not_of("0123456789+-.eE") != std::string_view::npos;
}

// The prefix of an EC2 id type's values ("vpc" for AWS::EC2::VPC::Id), or empty.
std::string_view id_prefix(std::string_view type) {
  if (type.rfind("List<", 0) == 0 && type.back() == '>') type = type.substr(5, type.size() - 6);
  if (type == "AWS::EC2::VPC::Id") return "vpc";
  if (type == "AWS::EC2::Subnet::Id") return "subnet";
  if (type == "AWS::EC2::SecurityGroup::Id") return "sg";
  if (type == "AWS::EC2::Image::Id") return "ami";
  if (type == "AWS::EC2::Instance::Id") return "i";
  if (type == "AWS::EC2::Volume::Id") return "vol";
  return {};
}

// "vpc-0a1b2c3d": the prefix, a hyphen, hexadecimal digits. EC2 writes its ids so; anything
// else names no EC2 resource.
bool shaped_like_id(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() + 1 || text.substr(0, prefix.size()) != prefix ||
      text[prefix.size()] != '-') {
    return false;
  }
  return text.substr(prefix.size() + 1).find_first_not_of("0123456789abcdef") ==
         std::string_view::npos;
}

size_t code_points(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string quoted(std::string_view text) {
  return "\"" + rules::excerpt(text) + "\"";
}

// The allowed values as written, both as typed (plain `true` is "true") and as spelt, so that a
// YAML 1.1 word (Yes) matches either way. Nullopt when one of them is not a literal scalar.
std::optional<std::vector<std::string>> allowed_values(const Node* node) {
  if (node == nullptr || !node->is_sequence()) return std::nullopt;
  std::vector<std::string> allowed;
  for (const Node* item : node->items) {
    if (!item->is_scalar()) return std::nullopt;
    graph::Value value = graph::Value::literal(item);
    if (value.kind != graph::ValueKind::Scalar) return std::nullopt;
    allowed.push_back(value.text);
    allowed.push_back(item->text);
  }
  return allowed;
}

bool is_allowed(const std::string& item, const std::vector<std::string>& allowed, bool number) {
  for (const std::string& a : allowed) {
    if (a == item) return true;
    if (number) {
      auto x = graph::Value::scalar(a).as_number(), y = graph::Value::scalar(item).as_number();
      if (x && y && *x == *y) return true;
    }
  }
  return false;
}

std::string list_of(const Node* allowed) {
  std::string out;
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < allowed->items.size() && i < kShown; ++i) {
    out += (i == 0 ? "" : ", ") + allowed->items[i]->text;
  }
  if (allowed->items.size() > kShown) out += ", ...";
  return out;
}

std::optional<Refusal> check_item(const graph::Parameter& parameter, const std::string& item,
                                  bool list) {
  const Node* decl = parameter.node;
  std::string_view type = parameter.type;
  std::string what = list ? "item " + quoted(item) : "the value";
  bool number = type == "Number" || type == "List<Number>";
  if (number && not_a_number(item)) {
    return Refusal{decl->get("Type"), what + " is not a number, and the type is " + parameter.type};
  }
  if (std::string_view prefix = id_prefix(type);
      !prefix.empty() && !item.empty() && !shaped_like_id(item, prefix)) {
    return Refusal{decl->get("Type"), what + " is not an id of the type " + parameter.type + " (" +
                                          std::string(prefix) +
                                          "-, then hexadecimal digits), so it names nothing "
                                          "that exists"};
  }
  if (const Node* node = decl->get("AllowedValues")) {
    if (auto allowed = allowed_values(node); allowed && !is_allowed(item, *allowed, number)) {
      return Refusal{decl->key_node("AllowedValues"),
                     what + " is not one of AllowedValues (" + list_of(node) + ")"};
    }
  }
  if (number) {
    auto value = graph::Value::scalar(item).as_number();
    auto min = number_of(decl->get("MinValue")), max = number_of(decl->get("MaxValue"));
    if (value && min && *value < *min) {
      return Refusal{decl->key_node("MinValue"),
                     what + " is less than MinValue " + decl->get("MinValue")->text};
    }
    if (value && max && *value > *max) {
      return Refusal{decl->key_node("MaxValue"),
                     what + " is more than MaxValue " + decl->get("MaxValue")->text};
    }
  }
  if (type == "String" || type == "CommaDelimitedList") {
    const Node* pattern = decl->get("AllowedPattern");
    if (pattern != nullptr && pattern->is_scalar() && !graph::has_dynamic_reference(item)) {
      RE2 regex(pattern->text, RE2::Quiet);
      if (regex.ok() && !RE2::FullMatch(item, regex)) {
        return Refusal{decl->key_node("AllowedPattern"),
                       what + " does not match AllowedPattern " + pattern->text};
      }
    }
  }
  if (type == "String") {
    size_t length = code_points(item);
    auto min = number_of(decl->get("MinLength")), max = number_of(decl->get("MaxLength"));
    if (min && static_cast<double>(length) < *min) {
      return Refusal{decl->key_node("MinLength"), what + " is " + std::to_string(length) +
                                                      " characters long, under MinLength " +
                                                      decl->get("MinLength")->text};
    }
    if (max && static_cast<double>(length) > *max) {
      return Refusal{decl->key_node("MaxLength"), what + " is " + std::to_string(length) +
                                                      " characters long, over MaxLength " +
                                                      decl->get("MaxLength")->text};
    }
  }
  return std::nullopt;
}

// The first constraint the value breaks, checking each item of a list type.
std::optional<Refusal> refusal(const graph::Parameter& parameter, const std::string& text) {
  if (parameter.node == nullptr || !parameter.node->is_mapping()) return std::nullopt;
  if (parameter.type.rfind("AWS::SSM::", 0) == 0) return std::nullopt;  // a name in SSM
  if (!is_list_type(parameter.type)) return check_item(parameter, text, false);
  if (text.empty()) return std::nullopt;  // an empty list: CloudFormation's reading is unclear
  for (const std::string& item : graph::split_list_value(text)) {
    if (auto r = check_item(parameter, item, true)) return r;
  }
  return std::nullopt;
}

// Where a supplied value is written, as a related location (none for the command line).
void note_supplied(Finding& finding, const SuppliedValue& supplied, std::string message,
                   bool at_name = false) {
  if (supplied.from_command_line()) return;
  finding.related.push_back(
      {at_name ? supplied.name_range : supplied.range, std::move(message), supplied.source});
}

// Whether a macro may add parameters: then neither the declared set nor its Defaults are final.
bool parameters_may_change(CheckContext& ctx) {
  return ctx.shared<validity::Generated>(ctx.tmpl).opaque();
}

}  // namespace

STACKLINT_CHECK(T050) {
  const graph::ParameterValues* values = ctx.resolver.supplied();
  if (values == nullptr) return;
  for (const graph::Parameter& parameter : ctx.tmpl.parameters()) {
    const SuppliedValue* supplied = values->find(parameter.id);
    if (supplied == nullptr || supplied->value.kind != graph::ValueKind::Scalar) continue;
    std::optional<Refusal> refused = refusal(parameter, supplied->value.text);
    if (!refused) continue;
    load::Range at = refused->at != nullptr ? refused->at->range : parameter.key->range;
    Finding& finding =
        ctx.report_at(at,
                      "parameter " + parameter.id + " is " + quoted(supplied->value.text) + " (" +
                          supplied->where() + "), but " + refused->why +
                          ": CloudFormation refuses the stack before it changes anything.",
                      "Parameters/" + parameter.id);
    note_supplied(finding, *supplied, "the value of parameter " + parameter.id);
  }
}

STACKLINT_CHECK(T051) {
  const graph::ParameterValues* values = ctx.resolver.supplied();
  if (values == nullptr || parameters_may_change(ctx)) return;
  const Node* root = ctx.tmpl.root();
  const Node* section = root->key_node("Parameters");
  load::Range at =
      section != nullptr ? section->range : load::Range{root->range.begin, root->range.begin};
  validity::Suggestions declared(validity::ids_of(ctx.tmpl.parameters()));
  for (const SuppliedValue& supplied : values->values()) {
    if (ctx.tmpl.parameter(supplied.name) != nullptr) continue;
    Finding& finding = ctx.report_at(
        at,
        "parameter " + supplied.name + " is given a value (" + supplied.where() +
            ") but the template does not declare it: CloudFormation refuses the stack "
            "(\"Parameters: [" +
            supplied.name + "] do not exist in the template\")." +
            validity::did_you_mean(supplied.name, declared),
        "Parameters/" + supplied.name);
    note_supplied(finding, supplied, "parameter " + supplied.name + " is given here", true);
  }
}

STACKLINT_CHECK(T052) {
  const graph::ParameterValues* values = ctx.resolver.supplied();
  if (values == nullptr || values->empty() || parameters_may_change(ctx)) return;
  for (const graph::Parameter& parameter : ctx.tmpl.parameters()) {
    if (parameter.default_value != nullptr || values->find(parameter.id) != nullptr) continue;
    ctx.report_at(parameter.key->range,
                  "parameter " + parameter.id +
                      " has no Default and the supplied values give it none: CloudFormation "
                      "refuses the stack (\"Parameters: [" +
                      parameter.id + "] must have values\").",
                  "Parameters/" + parameter.id);
  }
}

}  // namespace stacklint::rules
