// Conditions are evaluated in three-valued logic: a property whose value the template does not
// prove is Unknown, `not` of Unknown is Unknown, and a rule fires only on True. So an unknown
// value never makes a rule fire.
#include "rules/declarative.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include <map>
#include <memory>
#include <mutex>
#include <span>

#include "rules/checks/T0_validity.h"
#include "rules/checks/spec_rules.h"

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

// Keys a condition may have: logical ones stand alone, the others are a subject and one operator.
const std::vector<std::string_view> kConditionKeys = {
    "all", "any",     "not",          "property",  "attribute", "exists", "equals",
    "in",  "matches", "greater-than", "less-than", "at-least",  "at-most"};

class Validator {
 public:
  explicit Validator(std::vector<CheckProblem>& problems) : problems_(problems) {}

  void fail(const load::Node* at, std::string message) {
    problems_.push_back({at != nullptr ? at->range.begin : load::Position{}, std::move(message)});
  }

  // An unknown key, with the closest known one when it looks like a typo.
  void unknown_key(const load::Node* key, const std::vector<std::string_view>& known,
                   std::string_view where) {
    std::string message = "unknown key `" + key->text + "` in " + std::string(where);
    std::string_view near = validity::closest(key->text, known);
    if (!near.empty()) message += "; did you mean `" + std::string(near) + "`?";
    fail(key, message);
  }

  // A property path: names separated by dots, `*` for every item of a list; with `attribute`
  // (a resource attribute) one name. `@Name` names a resource attribute in report-at.
  void path(const load::Node* node, std::string_view what, bool dotted, bool at_allowed) {
    if (!node->is_scalar() || node->text.empty()) {
      fail(node, std::string(what) + " takes a path, e.g. VersioningConfiguration.Status");
      return;
    }
    std::string_view text = node->text;
    if (at_allowed && text.front() == '@') {
      text.remove_prefix(1);
      dotted = false;
    }
    bool ok = !text.empty();
    size_t start = 0;
    while (ok && start <= text.size()) {
      size_t dot = text.find('.', start);
      std::string_view segment =
          text.substr(start, dot == std::string_view::npos ? dot : dot - start);
      ok =
          !segment.empty() &&
          (segment == "*" || std::all_of(segment.begin(), segment.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ':';
           }));
      if (dot == std::string_view::npos) break;
      ok = ok && dotted;
      start = dot + 1;
    }
    if (!ok) {
      fail(node, "malformed " + std::string(what) + " `" + node->text + "`: " +
                     (dotted ? "names separated by single dots, `*` for every item of a list"
                             : "one name, without dots"));
    }
  }

  void condition(const load::Node* node) {
    if (node == nullptr || !node->is_mapping()) {
      fail(node, "a condition is a mapping, e.g. {property: MultiAZ, equals: true}");
      return;
    }
    bool unknown = false;
    for (const load::Pair& pair : node->pairs) {
      if (std::find(kConditionKeys.begin(), kConditionKeys.end(), pair.key->text) ==
          kConditionKeys.end()) {
        unknown_key(pair.key, kConditionKeys, "a condition");
        unknown = true;
      }
    }
    for (std::string_view logical : {"all", "any", "not"}) {
      const load::Node* value = node->get(logical);
      if (value == nullptr) continue;
      if (node->pairs.size() != 1) {
        fail(node, "`" + std::string(logical) + "` stands alone in its condition");
      }
      if (logical == "not") {
        condition(value);
      } else if (!value->is_sequence() || value->items.empty()) {
        fail(value, "`" + std::string(logical) + "` takes a non-empty list of conditions");
      } else {
        for (const load::Node* item : value->items) condition(item);
      }
      return;
    }
    const load::Node* property = node->get("property");
    const load::Node* attribute = node->get("attribute");
    if ((property == nullptr) == (attribute == nullptr)) {
      fail(node, "a condition needs one of property or attribute (or all, any, not)");
    }
    if (property != nullptr) path(property, "property", true, false);
    if (attribute != nullptr) path(attribute, "attribute", false, false);
    int operators = 0;
    for (std::string_view op : kOperators) {
      const load::Node* operand = node->get(op);
      if (operand == nullptr) continue;
      ++operators;
      if (op == "in") {
        if (!operand->is_sequence()) fail(operand, "`in` takes a list of values");
        for (const load::Node* item : operand->items) {
          if (!item->is_scalar()) fail(item, "`in` takes a list of scalar values");
        }
      } else if (!operand->is_scalar()) {
        fail(operand, "`" + std::string(op) + "` takes a scalar value");
      } else if (op == "matches") {
        RE2 regex(operand->text, RE2::Quiet);
        if (!regex.ok()) {
          fail(operand, "invalid regular expression `" + operand->text + "`: " + regex.error());
        }
      } else if (op == "exists") {
        if (!operand_value(operand).as_bool()) fail(operand, "`exists` takes true or false");
      } else if (op != "equals" && !operand_value(operand).as_number()) {
        fail(operand, "`" + std::string(op) + "` takes a number");
      }
    }
    // A misspelled operator is reported as such, not once more as a missing one.
    if (operators != 1 && !(unknown && operators == 0)) {
      fail(node,
           "a condition needs exactly one operator (exists, equals, in, matches, greater-than, "
           "less-than, at-least, at-most)");
    }
  }

 private:
  std::vector<CheckProblem>& problems_;
};

// Whether a property path the check reads (`property:` in `when`, or `report-at`) is one the
// resource writes misspelled (specrules::NearMisses).
bool names_near_miss(CheckContext& ctx, const graph::Resource& resource, const load::Node* check) {
  std::vector<const load::Node*> pending = {check};
  const specrules::NearMisses* misses = nullptr;
  while (!pending.empty()) {
    const load::Node* node = pending.back();
    pending.pop_back();
    for (const load::Node* item : node->items) pending.push_back(item);
    for (const load::Pair& pair : node->pairs) {
      std::string_view key = pair.key->text;
      if (key == "property" || key == "report-at" || key == "attribute") {
        // The paths: a list of them, or one (in place: no list built for it).
        std::span<const load::Node* const> paths =
            pair.value->is_sequence() ? std::span<const load::Node* const>(
                                            pair.value->items.begin(), pair.value->items.end())
                                      : std::span<const load::Node* const>(&pair.value, 1);
        for (const load::Node* path : paths) {
          if (!path->is_scalar() || path->text.empty()) continue;
          if (misses == nullptr) misses = &specrules::near_misses(ctx);
          // Most resources write no name misspelled: nothing to compare.
          if (!misses->any(resource.id)) return false;
          // `attribute: DeletionPolicy` and `report-at: "@DeletionPolicy"` name resource
          // attributes; the rest, properties.
          std::string name = key == "attribute" && path->text[0] != '@'
                                 ? "@" + std::string(path->text)
                                 : std::string(path->text);
          if (misses->covers(resource.id, name)) return true;
        }
      } else {
        pending.push_back(pair.value);
      }
    }
  }
  return false;
}

// The template's resources by type (positions in tmpl.resources(), in written order): each
// declarative rule visits only the resources of its types, not every resource. One sorted list,
// one allocation per template.
class ResourcesByType {
 public:
  explicit ResourcesByType(const graph::Template& tmpl) {
    const std::vector<graph::Resource>& resources = tmpl.resources();
    by_type_.reserve(resources.size());
    for (size_t i = 0; i < resources.size(); ++i) by_type_.emplace_back(resources[i].type, i);
    std::sort(by_type_.begin(), by_type_.end());
  }
  // The positions of the resources of this type, in written order.
  std::span<const std::pair<std::string_view, size_t>> of(std::string_view type) const {
    auto first =
        std::lower_bound(by_type_.begin(), by_type_.end(), type,
                         [](const auto& entry, std::string_view t) { return entry.first < t; });
    auto last = first;
    while (last != by_type_.end() && last->first == type) ++last;
    return {first, last};
  }

 private:
  std::vector<std::pair<std::string_view, size_t>> by_type_;
};

}  // namespace

void run_declarative_check(CheckContext& ctx) {
  const load::Node* check = ctx.rule.check;
  const load::Node* types = check->get("resource-types");
  if (types == nullptr) return;
  const ResourcesByType& by_type = ctx.shared<ResourcesByType>(ctx.tmpl);
  std::vector<size_t> wanted;
  for (const load::Node* type : types->items) {
    for (const auto& [name, index] : by_type.of(type->text)) wanted.push_back(index);
  }
  if (wanted.empty()) return;
  if (types->items.size() > 1) {  // in written order, each once
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  }
  const load::Node* when = check->get("when");
  const load::Node* report_at = check->get("report-at");
  const load::Node* message = check->get("message");
  for (size_t index : wanted) {
    const graph::Resource& resource = ctx.tmpl.resources()[index];
    if (evaluate(when, resource, ctx.resolver) != Truth::True) continue;
    // A property the check reads, written misspelled on this resource: T101 says what was
    // meant, rather than this rule saying the property is missing.
    if (names_near_miss(ctx, resource, check)) continue;
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

std::vector<CheckProblem> validate_declarative_check(const load::Node* check) {
  static const std::vector<std::string_view> kCheckKeys = {"resource-types", "when", "report-at",
                                                           "message"};
  std::vector<CheckProblem> problems;
  Validator v(problems);
  if (check == nullptr || !check->is_mapping()) {
    v.fail(check, "`check` is a mapping of resource-types, when, report-at and message");
    return problems;
  }
  for (const load::Pair& pair : check->pairs) {
    if (std::find(kCheckKeys.begin(), kCheckKeys.end(), pair.key->text) == kCheckKeys.end()) {
      v.unknown_key(pair.key, kCheckKeys, "`check`");
    }
  }
  const load::Node* types = check->get("resource-types");
  if (types == nullptr || !types->is_sequence() || types->items.empty()) {
    v.fail(types != nullptr ? types : check,
           "`resource-types` is a non-empty list, e.g. [AWS::RDS::DBInstance]");
  } else {
    for (const load::Node* type : types->items) {
      if (!type->is_scalar() || !RE2::FullMatch(type->text, "[A-Za-z0-9]+(::[A-Za-z0-9]+)+")) {
        v.fail(type, "a resource type is written like AWS::RDS::DBInstance");
      }
    }
  }
  const load::Node* message = check->get("message");
  if (message == nullptr || !message->is_scalar() || message->text.empty()) {
    v.fail(message != nullptr ? message : check, "`check` needs a `message`, a string");
  }
  if (check->get("when") == nullptr)
    v.fail(check, "`check` needs a `when` condition");
  else
    v.condition(check->get("when"));
  if (const load::Node* report_at = check->get("report-at")) {
    if (!report_at->is_sequence()) {
      v.fail(report_at, "`report-at` is a list of property paths, e.g. [MultiAZ]");
    } else {
      for (const load::Node* item : report_at->items) v.path(item, "report-at path", true, true);
    }
  }
  return problems;
}

}  // namespace stacklint::rules
