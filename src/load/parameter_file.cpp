#include "load/parameter_file.h"

#include <unordered_map>

namespace stacklint::load {

namespace {

struct Failure {
  LoadError error;
};

[[noreturn]] void fail(const Node* at, std::string message) {
  throw Failure{{std::move(message), at != nullptr ? at->range : Range{}}};
}

// The members of the AWS CLI's Parameter structure (botocore's shape for create-stack).
bool is_cli_member(std::string_view key) {
  return key == "ParameterKey" || key == "ParameterValue" || key == "UsePreviousValue" ||
         key == "ResolvedValue";
}

bool is_code_pipeline_key(std::string_view key) {
  return key == "Parameters" || key == "Tags" || key == "StackPolicy";
}

class Reader {
 public:
  // `max_bytes`: what the names and values may add up to, aliases expanded.
  Reader(ParameterFile& file, bool json, size_t max_bytes)
      : file_(file), json_(json), max_bytes_(max_bytes) {}

  void read(const Node* root) {
    if (root->is_sequence()) {
      file_.format = ParameterFileFormat::CliList;
      for (const Node* item : root->items) read_cli_item(item);
      return;
    }
    if (!root->is_mapping()) {
      fail(root,
           "a parameter file is a list of {ParameterKey, ParameterValue} (the AWS CLI's form), "
           "a mapping {\"Parameters\": {...}} (CodePipeline's template configuration), or a "
           "mapping of parameter names to values");
    }
    if (is_code_pipeline(root)) {
      file_.format = ParameterFileFormat::CodePipeline;
      read_mapping(root->get("Parameters"));
      return;
    }
    file_.format = ParameterFileFormat::Mapping;
    read_mapping(root);
  }

 private:
  static bool is_code_pipeline(const Node* root) {
    const Node* parameters = root->get("Parameters");
    if (parameters == nullptr || !parameters->is_mapping()) return false;
    for (const Pair& pair : root->pairs) {
      if (!is_code_pipeline_key(pair.key->text)) return false;
    }
    return true;
  }

  void read_cli_item(const Node* item) {
    if (item->is_scalar()) {  // "Key=Value", as `aws cloudformation deploy` takes them
      auto assignment = split_parameter_assignment(item->text);
      if (!assignment) fail(item, "expected \"Name=Value\" or {ParameterKey, ParameterValue}");
      add(assignment->first, item->range, assignment->second, item->range, false);
      return;
    }
    if (!item->is_mapping()) {
      fail(item, "each item of the list must be {\"ParameterKey\": ..., \"ParameterValue\": ...}");
    }
    for (const Pair& pair : item->pairs) {
      if (!is_cli_member(pair.key->text)) {
        fail(pair.key, "unknown member \"" + pair.key->text +
                           "\": the AWS CLI takes only ParameterKey, ParameterValue, "
                           "UsePreviousValue and ResolvedValue");
      }
    }
    const Node* key = item->get("ParameterKey");
    if (key == nullptr) fail(item, "ParameterKey is missing");
    if (!key->is_scalar() || key->text.empty()) fail(key, "ParameterKey must be a parameter name");
    const Node* value = item->get("ParameterValue");
    const Node* previous = item->get("UsePreviousValue");
    bool use_previous = false;
    if (previous != nullptr) {
      if (!previous->is_scalar() || (previous->text != "true" && previous->text != "false")) {
        fail(previous, "UsePreviousValue must be true or false");
      }
      use_previous = previous->text == "true";
    }
    if (use_previous && value != nullptr) {
      fail(value, "parameter " + key->text +
                      " has both a ParameterValue and UsePreviousValue: true; CloudFormation "
                      "takes only one");
    }
    if (use_previous) {
      add(key->text, key->range, "", key->range, true);
      return;
    }
    if (value == nullptr) {
      fail(item, "parameter " + key->text + " has no ParameterValue (nor UsePreviousValue: true)");
    }
    if (!value->is_scalar() || (json_ && value->style == ScalarStyle::Plain)) {
      fail(value, "the ParameterValue of " + key->text +
                      " must be a string (the AWS CLI refuses other types; a list parameter "
                      "takes \"a,b,c\")");
    }
    add(key->text, key->range, value->text, value->range, false);
  }

  void read_mapping(const Node* map) {
    for (const Pair& pair : map->pairs) {
      const Node* value = pair.value;
      if (pair.key->text.empty()) fail(pair.key, "a parameter name may not be empty");
      if (value->is_scalar()) {
        add(pair.key->text, pair.key->range, value->text, value->range, false);
      } else if (value->is_sequence()) {
        std::string joined;
        for (size_t i = 0; i < value->items.size(); ++i) {
          const Node* item = value->items[i];
          if (!item->is_scalar()) fail(item, "a list value holds only scalars");
          ensure_room(item->range, joined.size() + item->text.size() + 1);
          if (i > 0) joined += ',';
          joined += item->text;
        }
        add(pair.key->text, pair.key->range, joined, value->range, false);
      } else {
        fail(value->is_null() ? pair.key : value,
             "parameter " + pair.key->text +
                 (value->is_null() ? " has no value (write '' for an empty string)"
                                   : " must be a string, a number or a list of them"));
      }
    }
  }

  // Fails unless `bytes` more fit in what the file may copy. YAML aliases share their anchor's
  // text in the tree, but a value is copied out once per alias: 2,000 aliases of a 4 MB scalar
  // were 8 GB.
  void ensure_room(const Range& at, size_t bytes) const {
    if (copied_ + bytes <= max_bytes_) return;
    throw Failure{{"the names and values of this file add up to more than " +
                       std::to_string(max_bytes_) +
                       " bytes with YAML aliases expanded (an alias bomb?)",
                   at}};
  }

  void add(std::string name, Range name_range, std::string text, Range value_range,
           bool use_previous) {
    ensure_room(name_range, name.size() + text.size());
    copied_ += name.size() + text.size();
    auto [it, fresh] = seen_.emplace(name, name_range);
    if (!fresh) {
      throw Failure{{"parameter " + name + " is given twice (first at line " +
                         std::to_string(it->second.begin.line) + ", column " +
                         std::to_string(it->second.begin.column) + ")",
                     name_range}};
    }
    file_.entries.push_back(
        {std::move(name), name_range, std::move(text), value_range, use_previous});
  }

  ParameterFile& file_;
  bool json_;
  size_t max_bytes_;
  size_t copied_ = 0;
  std::unordered_map<std::string, Range> seen_;
};

}  // namespace

ParameterFileRead read_parameter_file(std::shared_ptr<const Source> source, const Limits& limits) {
  ParameterFileRead result;
  result.file.source = source;
  Loaded loaded = load(*source, limits);
  if (loaded.error) {
    result.error = std::move(loaded.error);
    return result;
  }
  try {
    // The file's own size bounds what its values may copy, aliases expanded.
    Reader(result.file, detect_format(*source) == Format::Json, limits.max_bytes)
        .read(loaded.document.root);
  } catch (const Failure& failure) {
    result.error = failure.error;
    result.file.entries.clear();
  }
  return result;
}

std::optional<std::pair<std::string, std::string>> split_parameter_assignment(
    std::string_view text) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  return std::make_pair(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
}

}  // namespace stacklint::load
