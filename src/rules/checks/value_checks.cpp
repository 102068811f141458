#include "rules/checks/value_checks.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "rules/checks/T0_validity.h"
#include "rules/checks/ecma_pattern.h"
#include "rules/checks/spec_rules.h"
#include "spec/spec.h"

namespace stacklint::rules::valuechecks {

namespace {

using graph::Value;
using graph::ValueKind;
using graph::ValueShape;
using spec::Kind;

bool is_scalar_shape(ValueShape s) {
  return s == ValueShape::String || s == ValueShape::Number || s == ValueShape::Boolean;
}

std::string expected(const spec::Shape& shape);

// A union's alternatives as messages name them, nested unions flattened, each once.
void collect_options(const spec::Shape& shape, std::vector<std::string>& options) {
  for (const spec::Shape& alternative : shape.alternatives) {
    if (alternative.kind == Kind::Union) {
      collect_options(alternative, options);
      continue;
    }
    std::string option = expected(alternative);
    if (std::find(options.begin(), options.end(), option) == options.end())
      options.push_back(std::move(option));
  }
}

// What a message says a property takes.
std::string expected(const spec::Shape& shape) {
  switch (shape.kind) {
    case Kind::String:
      return "a string";
    case Kind::Integer:
      return "an integer";
    case Kind::Number:
      return "a number";
    case Kind::Boolean:
      return "a boolean (true or false)";
    case Kind::Json:
      return "a JSON document (a mapping or a string)";
    case Kind::Timestamp:
      return "a timestamp (text)";
    case Kind::List:
      return "a list";
    case Kind::Map:
      return "a mapping of names to values";
    case Kind::Object:
      return shape.object != nullptr && !shape.object->name.empty()
                 ? "a mapping (" + std::string(shape.object->name) + ")"
                 : "a mapping";
    case Kind::Union: {
      std::vector<std::string> options;
      collect_options(shape, options);
      std::string text;
      for (const std::string& option : options) text += (text.empty() ? "" : " or ") + option;
      return text;
    }
    case Kind::Any:
      break;
  }
  return "a value";
}

// Whether a value of this shape is accepted where `kind` is expected: true, false, or (nullopt)
// not decided by the shape alone (a scalar's text decides).
std::optional<bool> shape_fits(ValueShape shape, const spec::Shape& expected_shape) {
  Kind kind = expected_shape.kind;
  if (kind == Kind::Any || shape == ValueShape::Unknown || shape == ValueShape::Absent ||
      shape == ValueShape::Null) {
    return true;
  }
  if (kind == Kind::Union) {
    bool undecided = false;
    for (const spec::Shape& alternative : expected_shape.alternatives) {
      std::optional<bool> fits = shape_fits(shape, alternative);
      if (fits == true) return true;
      if (!fits) undecided = true;
    }
    if (undecided) return std::nullopt;
    return expected_shape.alternatives.empty() ? std::optional<bool>(true) : false;
  }
  bool scalar = is_scalar_shape(shape);
  switch (kind) {
    case Kind::String:
    case Kind::Timestamp:
      return scalar;  // CloudFormation hands numbers and booleans on as text
    case Kind::Integer:
    case Kind::Number:
    case Kind::Boolean:
      if (!scalar) return false;
      return std::nullopt;
    case Kind::Json:
      return shape != ValueShape::List;  // a mapping, or a string with the document
    case Kind::List:
      return shape == ValueShape::List;
    case Kind::Map:
    case Kind::Object:
      return shape == ValueShape::Map;
    default:
      return true;
  }
}

bool is_integral(double d) {
  return std::isfinite(d) && std::floor(d) == d;
}

// A scalar's text where `kind` (a scalar kind) is expected: fits or not.
bool scalar_fits(const Value& value, Kind kind) {
  switch (kind) {
    case Kind::Integer: {
      std::optional<double> n = value.as_number();
      return n && is_integral(*n);
    }
    case Kind::Number:
      return value.as_number().has_value();
    case Kind::Boolean:
      return value.as_bool().has_value();
    case Kind::List:
    case Kind::Map:
    case Kind::Object:
      return false;
    default:
      return true;
  }
}

// Whether an allowed value is written with the characters of a number only (it is then also
// compared as one). Most allowed values are words: their first letter answers.
bool numeric_text(std::string_view option) {
  constexpr std::string_view kNumeric = "0123456789.-+eE";
  return !option.empty() && kNumeric.find(option[0]) != std::string_view::npos &&
         option.find_first_not_of(kNumeric) == std::string_view::npos;
}

size_t code_points(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string format_number(double d) {
  if (is_integral(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  std::string text = std::to_string(d);
  while (!text.empty() && text.back() == '0') text.pop_back();
  return text;
}

std::string quoted(std::string_view text) {
  return "\"" + excerpt(text) + "\"";
}

// A scalar as a message shows it: text in quotes, a number or boolean as written.
std::string shown(const Value& v) {
  return v.shape() == ValueShape::String ? quoted(v.text) : excerpt(v.text);
}

// "Properties/Rules/0/Status" -> "Rules[0].Status".
std::string dotted(std::string_view path) {
  if (path.substr(0, 11) == "Properties/") path.remove_prefix(11);
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash - start);
    bool index = !segment.empty() && std::all_of(segment.begin(), segment.end(),
                                                 [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      out.append("[").append(segment).append("]");
    } else {
      if (!out.empty()) out += '.';
      out.append(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool is_function(const load::Node* node) {
  std::string_view key = node->single_key();
  return key == "Ref" || key.substr(0, 4) == "Fn::";
}

// A variable another tool fills before CloudFormation sees the text: the Serverless
// Framework's ${opt:stage}, ${self:custom.x}, ${file(x.yml)} (a source, a colon or a
// parenthesis inside ${...}). A plain ${Name} outside Fn::Sub is not one: CloudFormation passes
// it on as written, which is a real mistake.
bool has_tool_placeholder(std::string_view text) {
  for (size_t open = text.find("${"); open != std::string_view::npos;
       open = text.find("${", open + 2)) {
    size_t close = text.find('}', open);
    std::string_view inside = text.substr(
        open + 2, close == std::string_view::npos ? std::string_view::npos : close - open - 2);
    if (inside.find_first_of(":(") != std::string_view::npos) return true;
  }
  return false;
}

// "Ref Subnets", "Fn::Split": the function written at `at`, for messages.
std::string written_function(const load::Node* at) {
  if (at == nullptr || !at->is_mapping() || !is_function(at)) return "as the template gives it";
  std::string fn(at->single_key());
  const load::Node* arg = at->pairs[0].value;
  if (fn == "Ref" && arg->is_scalar()) return "Ref " + arg->text;
  return fn;
}

ValueShape attribute_shape(const spec::Shape& shape) {
  switch (shape.kind) {
    case Kind::String:
    case Kind::Timestamp:
      return ValueShape::String;
    case Kind::Integer:
    case Kind::Number:
      return ValueShape::Number;
    case Kind::Boolean:
      return ValueShape::Boolean;
    case Kind::List:
      return ValueShape::List;
    default:
      return ValueShape::Unknown;
  }
}

class Walk {
 public:
  Walk(const graph::Template& tmpl, const graph::Resolver& resolver, std::vector<Issue>& out)
      : tmpl_(tmpl), resolver_(resolver), out_(out) {}

  void resource(const graph::Resource& resource, std::span<const specrules::Object> objects) {
    resource_ = &resource;
    // A resource with a Condition may exist only when the parameters are not their defaults.
    conditional_ = resource.condition != nullptr;
    for (const specrules::Object& object : objects) {
      for (const specrules::Key& key : specrules::keys_of(object)) {
        const spec::Property* property = key.property;
        if (property == nullptr) continue;
        path_.assign(object.path).append("/").append(key.name);
        const std::string& path = path_;
        if (key.value != nullptr) {
          node(key.value, property->shape, path);
        } else if (object.value != nullptr) {
          const load::Node* anchor =
              object.mapping != nullptr ? object.mapping : object.value->node;
          bool before = from_parameters_;
          from_parameters_ = true;  // reached through a function: not known to be literal
          for (const auto& [name, field] : object.value->fields) {
            if (name == key.name) value(field, property->shape, path, anchor);
          }
          from_parameters_ = before;
        }
      }
    }
  }

  // An AWS::Serverless::Function's properties that SAM hands unchanged to the
  // AWS::Lambda::Function it generates (sam-translator's function resource), checked as the
  // Lambda function's: there is no SAM schema in the data, but these are Lambda's own.
  // `globals` is the template's Globals.Function: SAM copies its properties into every function
  // that does not set them, so a wrong value there is reported once, on the first such function.
  void sam_function(const graph::Resource& resource, const spec::ResourceType& lambda,
                    const load::Node* globals) {
    static constexpr std::string_view kPassedOn[] = {
        "Architectures", "CodeSigningConfigArn",
        "Description",   "FunctionName",
        "Handler",       "KmsKeyArn",
        "Layers",        "MemorySize",
        "PackageType",   "ReservedConcurrentExecutions",
        "Role",          "Runtime",
        "Timeout"};
    const load::Node* properties = resource.properties;
    if (properties != nullptr && (!properties->is_mapping() || is_function(properties))) return;
    resource_ = &resource;
    conditional_ = resource.condition != nullptr;
    auto check = [&](const load::Pair& pair) {
      std::string_view name = pair.key->text;
      if (std::find(std::begin(kPassedOn), std::end(kPassedOn), name) == std::end(kPassedOn))
        return;
      if (const spec::Property* property = lambda.properties.find(name))
        node(pair.value, property->shape, path_.assign("Properties/").append(name));
    };
    if (properties != nullptr) {
      for (const load::Pair& pair : properties->pairs) check(pair);
    }
    if (globals == nullptr) return;
    for (const load::Pair& pair : globals->pairs) {
      if (properties == nullptr || properties->get(pair.key->text) == nullptr) check(pair);
    }
  }

 private:
  // A value as written: Fn::If branches one by one, AWS::NoValue as nothing, other functions
  // through the resolver, literals as they are.
  void node(const load::Node* at, const spec::Shape& shape, const std::string& path) {
    if (at == nullptr || at->is_null() || shape.kind == Kind::Any) return;
    if (at->is_mapping() && is_function(at)) {
      std::string_view fn = at->single_key();
      const load::Node* arg = at->pairs[0].value;
      if (fn == "Fn::If") {
        if (arg->is_sequence() && arg->items.size() == 3) {
          bool before = conditional_;
          conditional_ = true;
          node(arg->items[1], shape, path);
          node(arg->items[2], shape, path);
          conditional_ = before;
        }
        return;
      }
      if (fn == "Ref" && arg->is_scalar() && arg->text == "AWS::NoValue") return;
      bool before = from_parameters_;
      from_parameters_ = mentions_parameter(at);
      value(resolver_.resolve(at), shape, path, at);
      from_parameters_ = before;
      return;
    }
    if (at->is_scalar() && shape.kind == Kind::Object && packaged(path)) return;
    if (at->is_scalar()) {
      value(Value::literal(at), shape, path, at);
      return;
    }
    ValueShape written = at->is_sequence() ? ValueShape::List : ValueShape::Map;
    const spec::Shape* use = fitting(shape, written);
    if (use == nullptr) {
      type_issue(at, path, shape, std::string(describe(written)), Value::unknown(at));
      return;
    }
    if (use->kind == Kind::List && at->is_sequence()) {
      list_length(at, *use, path);
      for (size_t i = 0; i < at->items.size(); ++i) {
        specrules::PathSegment item(path_, "/", i);
        node(at->items[i], *use->element, path_);
      }
    } else if (use->kind == Kind::Map && at->is_mapping()) {
      for (const load::Pair& pair : at->pairs) {
        specrules::PathSegment entry(path_, "/", pair.key->text);
        node(pair.value, *use->element, path_);
      }
    }
    // An Object's properties are reached by the objects walk (specrules::Objects).
  }

  // A resolved value (each alternative on its own); `at` is where it is written.
  void value(const Value& resolved, const spec::Shape& shape, const std::string& path,
             const load::Node* at) {
    for (const Value& alternative : resolved.alternatives()) one(alternative, shape, path, at);
  }

  void one(const Value& v, const spec::Shape& shape, const std::string& path,
           const load::Node* at) {
    if (shape.kind == Kind::Any) return;
    switch (v.kind) {
      case ValueKind::Absent:
      case ValueKind::Null:
      case ValueKind::Choice:
        return;
      case ValueKind::Scalar:
        scalar(v, shape, path, at);
        return;
      case ValueKind::List: {
        const spec::Shape* use = fitting(shape, ValueShape::List);
        if (use == nullptr) {
          type_issue(at, path, shape, "a list", v);
          return;
        }
        if (use->kind != Kind::List) return;
        length_of_items(v.items.size(), v.items.size(), *use, path, at, v);
        for (size_t i = 0; i < v.items.size(); ++i) {
          specrules::PathSegment item(path_, "/", i);
          one(v.items[i], *use->element, path_, at);
        }
        return;
      }
      case ValueKind::Map: {
        const spec::Shape* use = fitting(shape, ValueShape::Map);
        if (use == nullptr) {
          type_issue(at, path, shape, "a mapping", v);
          return;
        }
        if (use->kind == Kind::Map) {
          for (const auto& [name, field] : v.fields) {
            specrules::PathSegment entry(path_, "/", name);
            one(field, *use->element, path_, at);
          }
        }
        return;
      }
      default:
        break;
    }
    // Known only by its shape: an Unknown with a hint, an AZ list, a Ref, a Fn::GetAtt.
    bool getatt = v.kind == ValueKind::ResourceRef && !v.attribute.empty();
    ValueShape s = getatt ? getatt_shape(v) : v.shape();
    if (shape_fits(s, shape) != false) return;
    // The message's words, only for a value that does not fit (most do).
    std::string origin = getatt ? "Fn::GetAtt " + v.text + "." + v.attribute
                         : v.kind == ValueKind::ResourceRef
                             ? "Ref " + v.text + ", a resource's name or id"
                             : written_function(at);
    type_issue(at, path, shape, std::string(describe(s)) + " (" + origin + ")", v);
  }

  // `aws cloudformation package` (and sam package) replace a local path written for these
  // properties with the uploaded artifact's location, so a string there is a valid input.
  bool packaged(const std::string& path) const {
    static const std::pair<std::string_view, std::string_view> kPackaged[] = {
        {"AWS::Lambda::Function", "Properties/Code"},
        {"AWS::Lambda::LayerVersion", "Properties/Content"},
        {"AWS::ApiGateway::RestApi", "Properties/BodyS3Location"},
        {"AWS::ElasticBeanstalk::ApplicationVersion", "Properties/SourceBundle"},
        {"AWS::StepFunctions::StateMachine", "Properties/DefinitionS3Location"},
        {"AWS::CodeCommit::Repository", "Properties/Code/S3"},
    };
    for (const auto& [type, property] : kPackaged) {
      if (resource_->type == type && path == property) return true;
    }
    return false;
  }

  // Whether a function's value depends on a parameter (a Ref to one, or ${Name} in a Fn::Sub):
  // its text is then the parameter's default, which a stack may override.
  // Recursive, without a stack of its own to allocate per function (this runs for every
  // function the walk meets); the depth is bounded by the loader's limit.
  bool mentions_parameter(const load::Node* n) const {
    if (n->is_scalar()) return false;
    if (n->is_mapping() && n->pairs.size() == 1) {
      std::string_view key = n->pairs[0].key->text;
      const load::Node* arg = n->pairs[0].value;
      if (key == "Ref" && arg->is_scalar() && tmpl_.parameter(arg->text) != nullptr) return true;
      const load::Node* text = arg->is_sequence() && !arg->items.empty() ? arg->items[0] : arg;
      if (key == "Fn::Sub" && text->is_scalar() && sub_names_parameter(text->text)) return true;
    }
    for (const load::Node* item : n->items) {
      if (mentions_parameter(item)) return true;
    }
    for (const load::Pair& pair : n->pairs) {
      if (mentions_parameter(pair.value)) return true;
    }
    return false;
  }

  bool sub_names_parameter(std::string_view text) const {
    for (size_t open = text.find("${"); open != std::string_view::npos;
         open = text.find("${", open + 2)) {
      size_t close = text.find('}', open);
      if (close == std::string_view::npos) break;
      if (tmpl_.parameter(text.substr(open + 2, close - open - 2)) != nullptr) return true;
    }
    return false;
  }

  ValueShape getatt_shape(const Value& v) const {
    const graph::Resource* target = tmpl_.resource(v.text);
    if (target == nullptr || target->type.empty() || specrules::outside_the_data(target->type))
      return ValueShape::Unknown;
    const spec::ResourceType* type = spec::find_resource_type(target->type);
    if (type == nullptr) return ValueShape::Unknown;
    const spec::Attribute* attribute = type->attribute(v.attribute);
    return attribute != nullptr ? attribute_shape(attribute->shape) : ValueShape::Unknown;
  }

  // The shape of `shape` that a value of shape `written` takes: itself when it fits, the one
  // alternative of a union that fits; null when none fits. For a union where several fit, the
  // union itself (nothing below it is checked).
  static const spec::Shape* fitting(const spec::Shape& shape, ValueShape written) {
    if (shape.kind != Kind::Union) return shape_fits(written, shape) == false ? nullptr : &shape;
    const spec::Shape* found = nullptr;
    size_t count = 0;
    for (const spec::Shape& alternative : shape.alternatives) {
      if (shape_fits(written, alternative) == false) continue;
      found = &alternative;
      ++count;
    }
    if (count == 0) return shape.alternatives.empty() ? &shape : nullptr;
    return count == 1 ? found : &shape;
  }

  void scalar(const Value& v, const spec::Shape& shape, const std::string& path,
              const load::Node* at) {
    const spec::Shape* use = &shape;
    if (shape.kind == Kind::Union) {
      const spec::Shape* found = nullptr;
      size_t count = 0;
      for (const spec::Shape& alternative : shape.alternatives) {
        if (!scalar_fits(v, alternative.kind)) continue;
        found = &alternative;
        ++count;
      }
      if (count == 0 && !shape.alternatives.empty()) {
        type_issue(at, path, shape, shown(v), v);
        return;
      }
      if (count != 1) return;  // several readings: no constraint is certain
      use = found;
    }
    if (!scalar_fits(v, use->kind)) {
      type_issue(at, path, *use, shown(v), v);
      return;
    }
    const spec::Constraints& c = use->constraints();
    if (has_tool_placeholder(v.text)) return;
    switch (use->kind) {
      case Kind::String:
        yaml_boolean(v, path, at);
        allowed(v, c, path, at);
        pattern(v, c, path, at);
        text_length(v, c, path, at);
        break;
      case Kind::Integer:
      case Kind::Number:
        allowed(v, c, path, at);
        range(v, c, path, at);
        break;
      default:
        break;
    }
  }

  // Plain Yes/No/On/Off (any case) and True/FALSE: the resource gets "true"/"false".
  void yaml_boolean(const Value& v, const std::string& path, const load::Node* at) {
    const load::Node* written = v.node;
    if (written == nullptr || !written->is_scalar() || written->style != load::ScalarStyle::Plain ||
        !graph::yaml11_boolean(written->text) || written->text == v.text) {
      return;
    }
    std::string name = dotted(path);
    std::string message = name + " is written " + written->text +
                          " without quotes: YAML 1.1 reads it as a boolean, so the resource gets "
                          "the string \"" +
                          v.text + "\". Quote it ('" + written->text +
                          "') to keep the word, or write " + v.text + ".";
    std::string for_default = "The default is written " + written->text +
                              " without quotes: YAML 1.1 reads it as a boolean, so " + name +
                              " gets the string \"" + v.text + "\". Quote the default ('" +
                              written->text + "') to keep the word.";
    add(Problem::YamlBoolean, at, path, std::move(message), std::move(for_default), v);
  }

  void allowed(const Value& v, const spec::Constraints& c, const std::string& path,
               const load::Node* at) {
    if (c.allowed.empty()) return;
    // The value as a number, read only once an option is one (most lists are words).
    std::optional<std::optional<double>> as_number;
    auto number = [&] {
      if (!as_number) as_number = v.as_number();
      return *as_number;
    };
    for (std::string_view option : c.allowed) {
      if (option.empty()) return;  // a value the data could not carry as text (a number)
      if (option == v.text) return;
      if (numeric_text(option) && number()) {
        Value as_value = Value::scalar(std::string(option));
        if (as_value.as_number() == number()) return;
      }
      // Some services take these in any case (cfn-lint's enumCaseInsensitive); a case-only
      // difference is not proven wrong.
      if (option.size() == v.text.size() &&
          std::equal(option.begin(), option.end(), v.text.begin(),
                     [](char a, char b) { return spec::ascii_lower(a) == spec::ascii_lower(b); })) {
        return;
      }
    }
    std::string list;
    constexpr size_t kShown = 12;
    for (size_t i = 0; i < c.allowed.size() && i < kShown; ++i) {
      if (i > 0) list += ", ";
      list += c.allowed[i];
    }
    if (c.allowed.size() > kShown)
      list += ", ... (" + std::to_string(c.allowed.size()) + " in all)";
    std::string name = dotted(path);
    add(Problem::Allowed, at, path,
        name + " is " + quoted(v.text) +
            ", which is not an allowed value: CloudFormation rejects "
            "it. Allowed: " +
            list + ".",
        name + " takes one of: " + list + ".", v);
  }

  void pattern(const Value& v, const spec::Constraints& c, const std::string& path,
               const load::Node* at) {
    if (c.pattern.empty()) return;
    if (patterns::match(c.pattern, v.text) != false) return;
    std::string name = dotted(path);
    std::string shown = quoted(c.pattern);
    add(Problem::Pattern, at, path,
        name + " is " + quoted(v.text) + ", which does not match the pattern " + shown +
            " that the resource type requires: CloudFormation rejects it.",
        name + " must match the pattern " + shown + ".", v);
  }

  void text_length(const Value& v, const spec::Constraints& c, const std::string& path,
                   const load::Node* at) {
    if (!c.min_length && !c.max_length) return;
    size_t n = code_points(v.text);
    std::string bound;
    if (c.min_length && n < *c.min_length) {
      bound = "at least " + std::to_string(*c.min_length);
    } else if (c.max_length && n > *c.max_length) {
      bound = "at most " + std::to_string(*c.max_length);
    } else {
      return;
    }
    std::string name = dotted(path);
    add(Problem::Length, at, path,
        name + " is " + std::to_string(n) + " characters long (" + quoted(v.text) + "); it takes " +
            bound + ": CloudFormation rejects it.",
        name + " takes " + bound + " characters.", v);
  }

  void range(const Value& v, const spec::Constraints& c, const std::string& path,
             const load::Node* at) {
    std::optional<double> n = v.as_number();
    if (!n || (!c.minimum && !c.maximum)) return;
    std::string bound;
    if (c.minimum && *n < *c.minimum) {
      bound = "at least " + format_number(*c.minimum);
    } else if (c.maximum && *n > *c.maximum) {
      bound = "at most " + format_number(*c.maximum);
    } else {
      return;
    }
    std::string name = dotted(path);
    std::string span;
    if (c.minimum && c.maximum) {
      span = " (from " + format_number(*c.minimum) + " to " + format_number(*c.maximum) + ")";
    }
    add(Problem::Range, at, path,
        name + " is " + excerpt(v.text) + "; it takes " + bound + span +
            ": CloudFormation rejects it.",
        name + " takes " + bound + span + ".", v);
  }

  // A written list's length: items an Fn::If or a Ref may remove count only towards the most.
  void list_length(const load::Node* at, const spec::Shape& shape, const std::string& path) {
    size_t most = at->items.size(), least = 0;
    for (const load::Node* item : at->items) {
      if (!(item->is_mapping() && is_function(item))) ++least;
    }
    length_of_items(least, most, shape, path, at, Value::unknown(at));
  }

  void length_of_items(size_t least, size_t most, const spec::Shape& shape, const std::string& path,
                       const load::Node* at, const Value& v) {
    const spec::Constraints& c = shape.constraints();
    std::string bound;
    size_t n = 0;
    if (c.min_items && most < *c.min_items) {
      bound = "at least " + std::to_string(*c.min_items);
      n = most;
    } else if (c.max_items && least > *c.max_items) {
      bound = "at most " + std::to_string(*c.max_items);
      n = least;
    } else {
      return;
    }
    std::string name = dotted(path);
    add(Problem::Length, at, path,
        name + " has " + std::to_string(n) + (n == 1 ? " item" : " items") + "; it takes " + bound +
            ": CloudFormation rejects it.",
        name + " takes " + bound + " items.", v);
  }

  void type_issue(const load::Node* at, const std::string& path, const spec::Shape& shape,
                  const std::string& what, const Value& v) {
    std::string name = dotted(path);
    add(Problem::Type, at, path,
        name + " is " + what + ", but it takes " + expected(shape) +
            ": CloudFormation rejects the template.",
        name + " takes " + expected(shape) + ".", v);
  }

  void add(Problem problem, const load::Node* at, const std::string& path, std::string message,
           std::string message_for_default, const Value& v) {
    // A text built from parameters is their defaults' (a list's length too); the shape of a
    // parameter's value is its type's, which no value passed overrides. Under a condition, the
    // defaults may well be what turns the property off: not proven.
    bool text_based =
        v.kind == ValueKind::Scalar || (v.kind == ValueKind::List && problem != Problem::Type);
    bool from_defaults = text_based && (from_parameters_ || graph::default_origin(v).has_value());
    if (from_defaults && conditional_) return;
    if (!seen_.insert({at, static_cast<int>(problem)}).second) return;
    Issue issue;
    issue.problem = problem;
    issue.resource = resource_;
    issue.at = at;
    issue.path = path;
    issue.property = dotted(path);
    issue.message = std::move(message);
    issue.message_for_default = std::move(message_for_default);
    issue.from_defaults = from_defaults;
    issue.value = v;
    issue.value.items.clear();  // only its origin is needed
    issue.value.fields.clear();
    out_.push_back(std::move(issue));
  }

  const graph::Template& tmpl_;
  const graph::Resolver& resolver_;
  std::vector<Issue>& out_;
  const graph::Resource* resource_ = nullptr;
  std::set<std::pair<const load::Node*, int>> seen_;
  // The path of the value being checked ("Properties/Rules/0/Status"), one buffer for the walk:
  // each level appends its segment and takes it off again (specrules::PathSegment). Every
  // `path` parameter below is this buffer.
  std::string path_;
  bool conditional_ = false;      // under Fn::If, or in a resource with a Condition
  bool from_parameters_ = false;  // the value being checked is computed from parameters
};

}  // namespace

Issues::Issues(const graph::Template& tmpl, const graph::Resolver& resolver,
               const specrules::Objects& objects) {
  Walk walk(tmpl, resolver, issues_);
  const spec::ResourceType* lambda = nullptr;
  const load::Node* globals = tmpl.root()->get("Globals");
  globals = globals != nullptr && globals->is_mapping() ? globals->get("Function") : nullptr;
  if (globals != nullptr && (!globals->is_mapping() || is_function(globals))) globals = nullptr;
  for (const graph::Resource& resource : tmpl.resources()) {
    if (resource.type == "AWS::Serverless::Function") {
      if (lambda == nullptr) lambda = spec::find_resource_type("AWS::Lambda::Function");
      if (lambda != nullptr) walk.sam_function(resource, *lambda, globals);
      continue;
    }
    walk.resource(resource, objects.of(resource));
  }
}

void report(CheckContext& ctx, Problem problem) {
  if (ctx.shared<validity::Generated>(ctx.tmpl).opaque()) return;
  const Issues& issues = ctx.shared<Issues>(ctx.tmpl, ctx.resolver, specrules::objects(ctx));
  for (const Issue& issue : issues.all()) {
    if (issue.problem != problem) continue;
    bool from_default = graph::default_origin(issue.value).has_value();
    Finding& finding =
        ctx.report(*issue.resource, issue.at,
                   from_default ? issue.message_for_default : issue.message, issue.path);
    if (from_default) explain_parameter_default(finding, issue.value, issue.property);
    if (issue.from_defaults) {
      // As cfn-lint's W1030: a stack created with other parameter values may deploy.
      if (finding.severity == Severity::Error) finding.severity = Severity::Warning;
      if (!from_default)
        finding.message +=
            " It is built from parameter defaults; a stack given other values may deploy.";
    }
  }
}

}  // namespace stacklint::rules::valuechecks
