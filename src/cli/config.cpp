#include "cli/config.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "cli/walker.h"
#include "load/loader.h"
#include "rules/checks/T0_validity.h"

namespace stacklint::cli {

namespace fs = std::filesystem;

namespace {

const char* const kKeys =
    "fail-level, select, ignore, severity, exclude, rule-directories, foreign-suppressions, "
    "environments";

std::string where(const std::string& file, load::Position at) {
  return file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
}

class Reader {
 public:
  Reader(const std::string& file, std::string& error) : file_(file), error_(error) {}

  bool fail(const load::Node* node, const std::string& expected) {
    error_ = where(file_, node->range.begin) + expected;
    return false;
  }

  // select and ignore: a list whose items may hold several comma-separated selectors
  // ("R110, R150"), as on the command line.
  bool selector_list(const load::Node* node, const std::string& key, std::vector<Located>& out) {
    std::vector<Located> items;
    if (!string_list(node, key, items)) return false;
    for (const Located& item : items) {
      for (std::string& selector : split_list(item.value)) out.push_back({selector, item.at});
    }
    return true;
  }

  bool string_list(const load::Node* node, const std::string& key, std::vector<Located>& out) {
    if (!node->is_sequence()) return fail(node, "`" + key + "` must be a list, e.g. [R110, R150]");
    for (const load::Node* item : node->items) {
      if (!item->is_scalar() || item->text.empty()) {
        return fail(item, "`" + key + "` must be a list of strings");
      }
      out.push_back({item->text, item->range.begin});
    }
    return true;
  }

  bool read(const load::Node* root, Config& config) {
    if (root->is_null()) return true;  // an empty file sets nothing
    if (!root->is_mapping()) {
      return fail(root,
                  "the configuration must be a mapping of settings (" + std::string(kKeys) + ")");
    }
    for (const load::Pair& pair : root->pairs) {
      const std::string& key = pair.key->text;
      const load::Node* value = pair.value;
      if (key == "fail-level") {
        if (!value->is_scalar() || (value->text != "error" && value->text != "warning" &&
                                    value->text != "info" && value->text != "none")) {
          return fail(value, "`fail-level` must be error, warning, info or none");
        }
        config.fail_level = value->text;
      } else if (key == "select" || key == "ignore") {
        std::vector<Located> ids;
        if (!selector_list(value, key, ids)) return false;
        (key == "select" ? config.select : config.ignore) = std::move(ids);
      } else if (key == "severity") {
        if (!value->is_mapping()) {
          return fail(value,
                      "`severity` must be a mapping of rule ids to error, warning, info "
                      "or off, e.g. {R110: error}");
        }
        for (const load::Pair& rule : value->pairs) {
          const std::string& level = rule.value->text;
          if (!rule.value->is_scalar() ||
              (level != "error" && level != "warning" && level != "info" && level != "off")) {
            return fail(rule.value, "the severity of " + rule.key->text +
                                        " must be error, warning, info or off");
          }
          config.severity.push_back({{rule.key->text, rule.key->range.begin}, level});
        }
      } else if (key == "exclude") {
        std::vector<Located> globs;
        if (!string_list(value, key, globs)) return false;
        for (Located& glob : globs) config.exclude.push_back(std::move(glob.value));
      } else if (key == "rule-directories") {
        if (!string_list(value, key, config.rule_directories)) return false;
      } else if (key == "foreign-suppressions") {
        if (!value->is_scalar() || value->style != load::ScalarStyle::Plain ||
            (value->text != "true" && value->text != "false")) {
          return fail(value, "`foreign-suppressions` must be true or false");
        }
        config.foreign_suppressions = value->text == "true";
      } else if (key == "environments") {
        if (!environments(value, config.environments)) return false;
      } else {
        return fail(pair.key, "unknown setting `" + key + "`; expected one of: " + kKeys);
      }
    }
    return true;
  }

  // environments: {NAME: {complete: BOOL, stacks: [{name, template, parameters,
  // parameter-files}]}}
  bool environments(const load::Node* node, std::vector<Environment>& out) {
    if (!node->is_mapping()) {
      return fail(node,
                  "`environments` must be a mapping of environment names to their stacks, e.g. "
                  "{prod: {stacks: [{name: prod-vpc, template: vpc.yaml}]}}");
    }
    for (const load::Pair& pair : node->pairs) {
      Environment environment;
      environment.name = {pair.key->text, pair.key->range.begin};
      for (const Environment& other : out) {
        if (other.name.value == pair.key->text) {
          return fail(pair.key, "environment " + pair.key->text + " is declared twice");
        }
      }
      const load::Node* body = pair.value;
      if (!body->is_mapping()) {
        return fail(body, "environment " + pair.key->text +
                              " must be a mapping with `stacks` (and optionally `complete`)");
      }
      for (const load::Pair& field : body->pairs) {
        const std::string& key = field.key->text;
        if (key == "complete") {
          if (!field.value->is_scalar() || field.value->style != load::ScalarStyle::Plain ||
              (field.value->text != "true" && field.value->text != "false")) {
            return fail(field.value, "`complete` must be true or false");
          }
          environment.complete = field.value->text == "true";
        } else if (key == "stacks") {
          if (!field.value->is_sequence()) {
            return fail(field.value, "`stacks` must be a list of stacks ({name, template})");
          }
          for (const load::Node* item : field.value->items) {
            DeclaredStack stack;
            if (!declared_stack(item, stack)) return false;
            for (const DeclaredStack& other : environment.stacks) {
              if (other.name.value == stack.name.value) {
                return fail(item, "stack " + stack.name.value + " is declared twice in " +
                                      environment.name.value);
              }
            }
            environment.stacks.push_back(std::move(stack));
          }
        } else {
          return fail(field.key,
                      "unknown key `" + key + "` in an environment; expected complete, stacks");
        }
      }
      out.push_back(std::move(environment));
    }
    return true;
  }

  bool declared_stack(const load::Node* node, DeclaredStack& stack) {
    if (!node->is_mapping()) {
      return fail(node, "a stack must be a mapping: {name, template, parameters, parameter-files}");
    }
    for (const load::Pair& field : node->pairs) {
      const std::string& key = field.key->text;
      const load::Node* value = field.value;
      if (key == "name" || key == "template") {
        if (!value->is_scalar() || value->text.empty()) {
          return fail(value, "`" + key + "` must be a non-empty string");
        }
        (key == "name" ? stack.name : stack.template_path) = {value->text, value->range.begin};
      } else if (key == "parameters") {
        if (!value->is_mapping()) {
          return fail(value, "`parameters` must be a mapping of parameter names to values");
        }
        for (const load::Pair& parameter : value->pairs) {
          std::string text;
          if (!parameter_text(parameter.value, text)) {
            return fail(parameter.value, "the value of parameter " + parameter.key->text +
                                             " must be a string, a number or a list of them");
          }
          stack.parameters.push_back({{parameter.key->text, parameter.key->range.begin},
                                      {text, parameter.value->range.begin}});
        }
      } else if (key == "parameter-files") {
        if (!string_list(value, key, stack.parameter_files)) return false;
      } else {
        return fail(field.key, "unknown key `" + key +
                                   "` in a stack; expected name, template, parameters, "
                                   "parameter-files");
      }
    }
    if (stack.name.value.empty() || stack.template_path.value.empty()) {
      return fail(node, "a stack needs a `name` and a `template`");
    }
    return true;
  }

  // A parameter value as CloudFormation receives it: text; a list is its items joined by commas.
  static bool parameter_text(const load::Node* node, std::string& out) {
    if (node->is_scalar()) {
      out = node->text;
      return true;
    }
    if (!node->is_sequence()) return false;
    for (size_t i = 0; i < node->items.size(); ++i) {
      if (!node->items[i]->is_scalar()) return false;
      if (i > 0) out += ",";
      out += node->items[i]->text;
    }
    return true;
  }

 private:
  const std::string& file_;
  std::string& error_;
};

std::string glob_to_regex(std::string_view glob) {
  std::string out;
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob.compare(i, 3, "**/") == 0) {
      out += "(?:.*/)?";
      i += 2;
    } else if (glob.compare(i, 2, "**") == 0) {
      out += ".*";
      ++i;
    } else if (glob[i] == '*') {
      out += "[^/]*";
    } else if (glob[i] == '?') {
      out += "[^/]";
    } else {
      out += RE2::QuoteMeta(std::string(1, glob[i]));
    }
  }
  return out;
}

}  // namespace

std::optional<fs::path> find_config(const fs::path& start) {
  std::error_code error;
  fs::path dir = fs::absolute(start, error);
  if (error) return std::nullopt;
  for (;;) {
    fs::path candidate = dir / kConfigFileName;
    if (fs::is_regular_file(candidate, error)) return candidate;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

bool read_config(const std::string& path, Config& config, std::string& error,
                 std::set<FileId>* inputs) {
  std::string bytes;
  if (!read_whole_file(path, load::Limits{}.max_bytes, "the configuration file", bytes, error,
                       inputs)) {
    return false;
  }
  config.file = path;
  config.directory = fs::absolute(path).parent_path();
  load::Source source(path, std::move(bytes));
  load::Loaded loaded = load::load(source);
  if (loaded.error) {
    // An empty file is a valid configuration that sets nothing.
    if (loaded.document.root == nullptr &&
        loaded.error->message.rfind("the file is empty", 0) == 0) {
      return true;
    }
    error = where(path, loaded.error->range.begin) + loaded.error->message;
    return false;
  }
  return Reader(path, error).read(loaded.document.root, config);
}

std::unique_ptr<rules::Catalog> load_catalog(const Config& config, std::string& error,
                                             std::set<FileId>* inputs) {
  auto catalog = std::make_unique<rules::Catalog>();
  catalog->add_builtin();
  for (const Located& dir : config.rule_directories) {
    fs::path folder = config.directory / dir.value;
    std::error_code code;
    if (!fs::is_directory(folder, code)) {
      error = where(config.file, dir.at) + "`rule-directories` names " + dir.value +
              ", which is not a folder";
      return nullptr;
    }
    std::vector<fs::path> files;
    // Incremented with an error code: a folder that fails mid-listing is an error, not a throw.
    for (fs::directory_iterator it(folder, code); !code && it != fs::directory_iterator();
         it.increment(code)) {
      std::string ext = it->path().extension().string();
      if (ext == ".yaml" || ext == ".yml") files.push_back(it->path());
    }
    if (code) {
      error = where(config.file, dir.at) + "cannot read the folder " + dir.value + ": " +
              code.message();
      return nullptr;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::string bytes;
      if (!read_whole_file(file.string(), load::Limits{}.max_bytes, "the rule file", bytes, error,
                           inputs)) {
        return nullptr;
      }
      catalog->add_file(file.string(), std::move(bytes));
    }
  }
  if (!catalog->errors().empty()) {
    // Every problem at once, one per line: a rule file is fixed in one pass.
    for (const std::string& problem : catalog->errors()) {
      error += (error.empty() ? "" : "\n") + problem;
    }
    return nullptr;
  }
  for (const rules::RuleInfo* rule : catalog->rules()) {
    bool builtin = rules::Catalog::builtin().find(rule->id) != nullptr;
    if (!builtin && rule->implementation != "declarative") {
      error = rule->file +
              ": a rule from `rule-directories` must be declarative (a `check`); "
              "configuration never adds code";
      return nullptr;
    }
  }
  return catalog;
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
      item.remove_prefix(1);
    }
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
      item.remove_suffix(1);
    }
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<const rules::RuleInfo*> rules_selected_by(const rules::Catalog& catalog,
                                                      std::string_view selector) {
  if (const rules::RuleInfo* rule = catalog.find(selector)) return {rule};
  // A prefix is a category letter and digits, as ruff's "E4": never a word that happens to
  // begin an id.
  bool prefix = RE2::FullMatch(selector, "[A-Z][0-9]*");
  std::vector<const rules::RuleInfo*> out;
  for (const rules::RuleInfo* rule : catalog.rules()) {
    bool tagged = std::find(rule->tags.begin(), rule->tags.end(), selector) != rule->tags.end();
    if (tagged || (prefix && rule->id.rfind(selector, 0) == 0)) out.push_back(rule);
  }
  return out;
}

std::string rule_suggestion(const rules::Catalog& catalog, std::string_view selector) {
  std::set<std::string_view> names;
  for (const rules::RuleInfo* rule : catalog.rules()) {
    names.insert(rule->id);
    names.insert(rule->name);
    names.insert(rule->tags.begin(), rule->tags.end());
  }
  std::string_view near =
      rules::validity::closest(selector, std::vector<std::string_view>(names.begin(), names.end()),
                               rules::validity::kCommandLineSuggestionWork);
  return near.empty() ? std::string() : "; did you mean " + std::string(near) + "?";
}

bool check_rule_ids(const Config& config, const rules::Catalog& catalog, std::string& error) {
  auto check = [&](const Located& id, bool selector) {
    if (selector ? !rules_selected_by(catalog, id.value).empty()
                 : catalog.find(id.value) != nullptr) {
      return true;
    }
    error = where(config.file, id.at) + "unknown rule " + id.value +
            (selector ? "; expected a rule id, name, tag or id prefix"
                      : "; expected a rule id or name") +
            rule_suggestion(catalog, id.value) + " (see `stacklint rules`)";
    return false;
  };
  for (const auto* list : {&config.select, &config.ignore}) {
    if (!*list) continue;
    for (const Located& id : **list) {
      if (!check(id, true)) return false;
    }
  }
  for (const auto& [id, level] : config.severity) {
    if (!check(id, false)) return false;
  }
  return true;
}

struct Excludes::Compiled {
  Compiled(const std::string& pattern, const RE2::Options& options) : regex(pattern, options) {}
  RE2 regex;
};

Excludes::Excludes(const std::vector<std::string>& patterns, fs::path base)
    : base_(std::move(base)) {
  std::error_code error;
  here_ = fs::current_path(error);
  std::vector<std::string> regexes;
  for (std::string pattern : patterns) {
    bool folder = !pattern.empty() && pattern.back() == '/';
    if (folder) pattern.pop_back();
    bool anchored = pattern.find('/') != std::string::npos;
    if (anchored && pattern.front() == '/') pattern.erase(0, 1);
    regexes.push_back((anchored ? "" : "(?:.*/)?") + glob_to_regex(pattern) +
                      (folder ? "/.*" : "(?:/.*)?"));
  }
  // One regex for all the patterns: each path is matched once, not once per pattern. Should
  // one pattern not compile (not UTF-8), each is kept alone so that the others still work.
  std::string all;
  for (const std::string& regex : regexes) all += (all.empty() ? "(?:" : "|(?:") + regex + ")";
  if (regexes.size() > 1) {
    patterns_.push_back(std::make_unique<Compiled>(all, RE2::Quiet));
    if (patterns_.back()->regex.ok()) return;
    patterns_.clear();
  }
  for (const std::string& regex : regexes) {
    patterns_.push_back(std::make_unique<Compiled>(regex, RE2::DefaultOptions));
  }
}

Excludes::~Excludes() = default;

std::optional<std::string> Excludes::plain_relative(const std::string& path) const {
  // Plainly normal absolute paths (a walk's, under a folder named absolutely or relatively):
  // the relative path is a suffix of the string, or the path itself when it is not under the
  // base, as lexically_relative and the fallback below would give.
  std::string absolute;
  if (!path.empty() && path[0] == '/') {
    absolute = path;
  } else if (!here_.empty()) {
    absolute = here_.native() + "/" + path;
  } else {
    return std::nullopt;
  }
  const std::string& base = base_.native();
  if (!is_plainly_normal(absolute) || absolute.back() == '/' || base.empty() || base[0] != '/' ||
      base.back() == '/' || !is_plainly_normal(base) || absolute == base) {
    return std::nullopt;
  }
  if (absolute.size() > base.size() && absolute.compare(0, base.size(), base) == 0 &&
      absolute[base.size()] == '/') {
    std::string relative = absolute.substr(base.size() + 1);
    if (relative.rfind("..", 0) != 0) return relative;
  }
  if (is_plainly_normal(path)) return path;
  return std::nullopt;
}

bool Excludes::excluded(const std::string& path) const {
  if (patterns_.empty()) return false;
  if (std::optional<std::string> relative = plain_relative(path)) {
    return std::any_of(patterns_.begin(), patterns_.end(), [&](const auto& compiled) {
      return RE2::FullMatch(*relative, compiled->regex);
    });
  }
  std::error_code error;
  fs::path written(path);
  fs::path absolute =
      (written.is_absolute() || here_.empty() ? fs::absolute(written, error) : here_ / written)
          .lexically_normal();
  std::string relative = absolute.lexically_relative(base_).generic_string();
  if (relative.empty() || relative.rfind("..", 0) == 0) {
    relative = fs::path(path).lexically_normal().generic_string();
  }
  return std::any_of(patterns_.begin(), patterns_.end(), [&](const auto& compiled) {
    return RE2::FullMatch(relative, compiled->regex);
  });
}

const std::vector<std::string>& default_excludes() {
  static const std::vector<std::string> excludes{"cdk.out/", ".aws-sam/", "node_modules/", ".git/"};
  return excludes;
}

}  // namespace stacklint::cli
