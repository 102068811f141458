// Conditions are evaluated in three-valued logic: a property whose value the template does not
// prove is Unknown, `not` of Unknown is Unknown, and a rule fires only on True. So an unknown
// value never makes a rule fire.
#include "rules/declarative.h"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <mutex>

namespace stacklint::rules {

using graph::Value;
using graph::ValueKind;

namespace {

const std::vector<std::string_view> kOperators = {
    "exists", "equals", "in", "matches", "greater-than", "less-than", "at-least", "at-most"};

const RE2& compiled(const load::Node* pattern) {
  static std::mutex mutex;
  static std::map<const load::Node*, std::unique_ptr<RE2>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[pattern];
  if (!slot) slot = std::make_unique<RE2>(pattern->text, RE2::Quiet);
  return *slot;
}

// An operand as written in a rule file, read with the template's own interpretation of
// scalars (Value::literal), so that `equals: true` means what `MultiAZ: true` means.
Value operand_value(const load::Node* operand) {
  return operand->is_scalar() ? Value::literal(operand) : Value::unknown(operand);
}

// Equality as CloudFormation sees it: "true" equals true, "7" equals 7. Against a boolean, a
// scalar that is no boolean ("Yes" quoted, "enabled") is not false but invalid: CloudFormation
// rejects it ("unsupported boolean value"), so the template proves nothing either way.
Truth scalar_equals(const Value& value, const load::Node* expected) {
  if (value.kind == ValueKind::Absent || value.kind == ValueKind::Null) return Truth::False;
  if (value.kind != ValueKind::Scalar) {
    // A resource reference or symbolic AZ is decided at deploy time; lists and maps never
    // equal a scalar.
    return (value.kind == ValueKind::List || value.kind == ValueKind::Map) ? Truth::False
                                                                           : Truth::Unknown;
  }
  Value expected_value = operand_value(expected);
  if (std::optional<bool> want = expected_value.as_bool()) {
    std::optional<bool> b = value.as_bool();
    if (!b) return Truth::Unknown;
    return *b == *want ? Truth::True : Truth::False;
  }
  auto a = value.as_number();
  auto e = expected_value.as_number();
  if (a && e) return *a == *e ? Truth::True : Truth::False;
  return value.text == expected_value.text ? Truth::True : Truth::False;
}

Truth apply_operator(std::string_view op, const load::Node* operand, const Value& value) {
  return graph::for_all_alternatives(value, [&](const Value& v) -> Truth {
    if (v.kind == ValueKind::Unknown) return Truth::Unknown;
    bool present = v.kind != ValueKind::Absent && v.kind != ValueKind::Null;
    if (op == "exists") {
      bool want = operand_value(operand).as_bool().value_or(true);
      return present == want ? Truth::True : Truth::False;
    }
    if (op == "equals") return scalar_equals(v, operand);
    if (op == "in") {
      Truth result = Truth::False;
      for (const load::Node* item : operand->items)
        result = graph::any_of(result, scalar_equals(v, item));
      return result;
    }
    if (!present) return Truth::False;
    if (v.kind != ValueKind::Scalar) return Truth::Unknown;
    if (op == "matches") {
      return RE2::PartialMatch(v.text, compiled(operand)) ? Truth::True : Truth::False;
    }
    auto number = v.as_number();
    auto limit = operand_value(operand).as_number();
    if (!number || !limit) return Truth::Unknown;
    bool holds = op == "greater-than" ? *number > *limit
                 : op == "less-than"  ? *number < *limit
                 : op == "at-least"   ? *number >= *limit
                                      : *number <= *limit;
    return holds ? Truth::True : Truth::False;
  });
}

// Applies an operator at a path below `start`. A `*` segment steps into every item of a list
// and holds when any item satisfies the rest; each alternative of a choice is judged on its
// own, so `!If [c, [x], []]` does not count as having an item in every case.
Truth evaluate_path(const Value& start, std::string_view path, std::string_view op,
                    const load::Node* operand) {
  if (path.empty()) return apply_operator(op, operand, start);
  size_t dot = path.find('.');
  std::string_view segment = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (segment != "*") return evaluate_path(start.get(segment), rest, op, operand);
  return graph::for_all_alternatives(start, [&](const Value& alternative) {
    if (alternative.kind == ValueKind::Absent || alternative.kind == ValueKind::Null) {
      return Truth::False;
    }
    if (alternative.kind != ValueKind::List) return Truth::Unknown;
    Truth result = Truth::False;
    for (const Value& item : alternative.items) {
      result = graph::any_of(result, evaluate_path(item, rest, op, operand));
      if (result == Truth::True) break;
    }
    return result;
  });
}

Truth evaluate(const load::Node* condition, const graph::Resource& resource,
               const graph::Resolver& resolver) {
  if (condition == nullptr || !condition->is_mapping()) return Truth::Unknown;
  if (const load::Node* all = condition->get("all")) {
    Truth result = Truth::True;
    for (const load::Node* item : all->items) {
      result = graph::all_of(result, evaluate(item, resource, resolver));
      if (result == Truth::False) break;
    }
    return result;
  }
  if (const load::Node* any = condition->get("any")) {
    Truth result = Truth::False;
    for (const load::Node* item : any->items) {
      result = graph::any_of(result, evaluate(item, resource, resolver));
      if (result == Truth::True) break;
    }
    return result;
  }
  if (const load::Node* negated = condition->get("not"))
    return !evaluate(negated, resource, resolver);
  const load::Node* operand = nullptr;
  std::string_view op;
  for (std::string_view name : kOperators) {
    if ((operand = condition->get(name)) != nullptr) {
      op = name;
      break;
    }
  }
  if (operand == nullptr) return Truth::Unknown;
  if (const load::Node* property = condition->get("property")) {
    std::string_view path = property->text;
    size_t star = path.find('*');
    if (star == std::string_view::npos) {
      return apply_operator(op, operand, resolver.property(resource, path));
    }
    // Resolve the literal part of the path directly, then step through lists.
    std::string_view head = path.substr(0, star == 0 ? 0 : star - 1);
    Value start =
        head.empty() ? resolver.resolve(resource.properties) : resolver.property(resource, head);
    return evaluate_path(start, path.substr(star), op, operand);
  }
  if (const load::Node* attribute = condition->get("attribute")) {
    return apply_operator(op, operand, resolver.attribute(resource, attribute->text));
  }
  return Truth::Unknown;
}

// The node a path names in the template as written, when every step is a literal mapping.
// A scalar value is the most specific place; for a mapping or list value, which starts on the
// line below its key, the key itself.
const load::Node* written_node(const graph::Resource& resource, std::string_view path) {
  const load::Node* parent = resource.node;
  if (path.rfind("@", 0) == 0) {  // @DeletionPolicy: a resource attribute
    path.remove_prefix(1);
  } else {
    parent = resource.properties;
  }
  while (parent != nullptr && parent->is_mapping() && !path.empty()) {
    size_t dot = path.find('.');
    std::string_view name = path.substr(0, dot);
    const load::Node* value = parent->get(name);
    if (value == nullptr) return nullptr;
    if (dot == std::string_view::npos) {
      return value->is_scalar() || value->is_null() ? value : parent->key_node(name);
    }
    parent = value;
    path.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::string expand_message(std::string_view text, const graph::Resource& resource) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 10, "{resource}") == 0) {
      out += resource.id;
      i += 10;
    } else if (text.compare(i, 6, "{type}") == 0) {
      out += resource.type;
      i += 6;
    } else {
      out += text[i++];
    }
  }
  return out;
}

void validate_condition(const load::Node* condition, std::vector<std::string>& problems) {
  if (condition == nullptr || !condition->is_mapping()) {
    problems.push_back("a condition is a mapping");
    return;
  }
  if (const load::Node* list =
          condition->get("all") ? condition->get("all") : condition->get("any")) {
    if (!list->is_sequence() || list->items.empty()) problems.push_back("all/any take a list");
    for (const load::Node* item : list->items) validate_condition(item, problems);
    return;
  }
  if (const load::Node* negated = condition->get("not")) {
    validate_condition(negated, problems);
    return;
  }
  if (condition->get("property") == nullptr && condition->get("attribute") == nullptr) {
    problems.push_back("a condition needs property, attribute, all, any or not");
    return;
  }
  int operators = 0;
  for (std::string_view op : kOperators) {
    const load::Node* operand = condition->get(op);
    if (operand == nullptr) continue;
    ++operators;
    if (op == "in" && !operand->is_sequence()) problems.push_back("`in` takes a list");
    if (op != "in" && !operand->is_scalar())
      problems.push_back(std::string(op) + " takes a scalar");
    if (op == "matches" && operand->is_scalar() && !RE2(operand->text, RE2::Quiet).ok()) {
      problems.push_back("bad regular expression: " + operand->text);
    }
  }
  if (operators != 1) problems.push_back("a property condition needs exactly one operator");
  for (const load::Pair& pair : condition->pairs) {
    const std::string& key = pair.key->text;
    if (key != "property" && key != "attribute" &&
        std::find(kOperators.begin(), kOperators.end(), key) == kOperators.end()) {
      problems.push_back("unknown key in condition: " + key);
    }
  }
}

}  // namespace

void run_declarative_check(CheckContext& ctx) {
  const load::Node* check = ctx.rule.check;
  const load::Node* types = check->get("resource-types");
  const load::Node* when = check->get("when");
  const load::Node* report_at = check->get("report-at");
  const load::Node* message = check->get("message");
  for (const graph::Resource& resource : ctx.tmpl.resources()) {
    bool wanted = false;
    if (types != nullptr) {
      for (const load::Node* type : types->items) wanted = wanted || type->text == resource.type;
    }
    if (!wanted) continue;
    if (evaluate(when, resource, ctx.resolver) != Truth::True) continue;
    const load::Node* at = nullptr;
    std::string path;
    if (report_at != nullptr) {
      for (const load::Node* candidate : report_at->items) {
        at = written_node(resource, candidate->text);
        if (at != nullptr) {
          path = candidate->text;
          break;
        }
      }
    }
    Finding& finding = ctx.report(
        resource, at, expand_message(message != nullptr ? message->text : ctx.rule.title, resource),
        path);
    // The reported property is what the rule judged; when its value is a parameter's default,
    // the finding says so and points at the Ref.
    if (!path.empty()) {
      Value judged = path[0] == '@' ? ctx.resolver.attribute(resource, path.substr(1))
                                    : ctx.resolver.property(resource, path);
      explain_parameter_default(finding, judged, path[0] == '@' ? path.substr(1) : path);
    }
  }
}

std::vector<std::string> validate_declarative_check(const load::Node* check) {
  std::vector<std::string> problems;
  if (check == nullptr || !check->is_mapping()) return {"check is a mapping"};
  const load::Node* types = check->get("resource-types");
  if (types == nullptr || !types->is_sequence() || types->items.empty()) {
    problems.push_back("check needs resource-types, a list");
  }
  if (check->get("message") == nullptr) problems.push_back("check needs a message");
  validate_condition(check->get("when"), problems);
  for (const load::Pair& pair : check->pairs) {
    const std::string& key = pair.key->text;
    if (key != "resource-types" && key != "when" && key != "report-at" && key != "message") {
      problems.push_back("unknown key in check: " + key);
    }
  }
  return problems;
}

}  // namespace stacklint::rules
