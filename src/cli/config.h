// .stacklint.yaml: the project's settings, found by walking up from the current directory.
// Configuration is data only: rule directories may add declarative rules, never code.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/files.h"
#include "load/source.h"
#include "rules/catalog.h"
#include "rules/engine.h"

namespace stacklint::cli {

constexpr const char* kConfigFileName = ".stacklint.yaml";

// A value from the file with where it was written, for error messages.
struct Located {
  std::string value;
  load::Position at;
};

// A stack of a declared environment: which template is deployed under which name, with which
// parameter values (inline, and files in the formats --parameter-file reads).
struct DeclaredStack {
  Located name;                                         // the stack name
  Located template_path;                                // relative to the configuration's folder
  std::vector<std::pair<Located, Located>> parameters;  // name → value as CloudFormation takes it
  std::vector<Located> parameter_files;                 // relative to the configuration's folder
};

// `environments: {prod: {complete: true, stacks: [...]}}`: what `stacklint --env prod` lints.
struct Environment {
  Located name;
  // Every stack of the deployment is declared: an import that none of them exports is T061.
  bool complete = false;
  std::vector<DeclaredStack> stacks;
};

struct Config {
  std::string file;                 // empty when there is no configuration file
  std::filesystem::path directory;  // relative paths in the file are relative to this
  std::optional<std::string> fail_level;
  std::optional<std::vector<Located>> select, ignore;
  std::vector<std::pair<Located, std::string>> severity;  // rule → error|warning|info|off
  std::vector<std::string> exclude;                       // globs
  std::vector<Located> rule_directories;
  std::optional<bool> foreign_suppressions;
  std::vector<Environment> environments;  // in the order written
};

// The nearest .stacklint.yaml in `start` or a folder above it.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);

// Reads a configuration file. On a problem, returns false with "file:line:column: what is
// expected" in `error`. The file is read like every input (a regular file, at most
// load::Limits::max_bytes); its identity goes into `inputs`.
bool read_config(const std::string& path, Config& config, std::string& error,
                 std::set<FileId>* inputs = nullptr);

// The built-in rules plus the declarative rules of the configuration's rule directories.
// nullptr with `error` set when a rule file is broken, too large, or is not declarative (every
// problem of the rule files, one "file:line:column: what" per line). The
// identities of the rule files go into `inputs`.
std::unique_ptr<rules::Catalog> load_catalog(const Config& config, std::string& error,
                                             std::set<FileId>* inputs = nullptr);

// Splits "R110, R150" and "R110,R150" alike: items separated by commas, spaces around them
// dropped, empty items left out.
std::vector<std::string> split_list(std::string_view value);

// The rules a selector names, in catalogue order: a rule id (R110) or name
// (rds-instance-single-az), a tag (resilience, security), or an id prefix (R1, T0). Empty when
// it names none.
std::vector<const rules::RuleInfo*> rules_selected_by(const rules::Catalog& catalog,
                                                      std::string_view selector);

// "; did you mean R110?" when an id, name or tag is close to `selector` (edit distance), else
// "".
std::string rule_suggestion(const rules::Catalog& catalog, std::string_view selector);

// Checks that every rule the configuration names exists in `catalog`.
bool check_rule_ids(const Config& config, const rules::Catalog& catalog, std::string& error);

// Exclusion by path globs (gitignore-like): `name/` excludes a folder of that name anywhere,
// a pattern without `/` matches any file or folder name, and one with `/` matches the path
// relative to `base` (`*` stays within a folder, `**` crosses folders).
class Excludes {
 public:
  Excludes(const std::vector<std::string>& patterns, std::filesystem::path base);
  ~Excludes();
  bool excluded(const std::string& path) const;

 private:
  // The path as excluded() matches it, worked out on the string when the path and the base
  // are plainly normal (see is_plainly_normal); nothing when it takes std::filesystem.
  std::optional<std::string> plain_relative(const std::string& path) const;
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> patterns_;
  std::filesystem::path base_;
  std::filesystem::path here_;  // the working folder, asked once (empty: ask each time)
};

// Folders never linted unless named: generated or vendored CloudFormation.
const std::vector<std::string>& default_excludes();

}  // namespace stacklint::cli
