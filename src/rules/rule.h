// rules: what a rule is (its metadata from rules/*.yaml) and what it reports (findings).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "load/node.h"

namespace stacklint::rules {

class CheckContext;  // rules/check.h

enum class Severity : uint8_t { Info = 0, Warning = 1, Error = 2 };

std::string_view to_string(Severity severity);
bool parse_severity(std::string_view text, Severity& out);

struct RuleDocs {
  std::string what;     // What it does
  std::string why;      // Why is this bad
  std::string example;  // a template fragment that triggers it
  std::string fix;      // Use instead
};

struct RuleInfo {
  std::string id;    // "R110"
  std::string name;  // "rds-instance-single-az"
  Severity severity = Severity::Warning;
  std::string title;   // one line
  std::string source;  // the note and section the rule comes from
  std::vector<std::string> tags;
  RuleDocs docs;
  // Other tools' ids for the same check, by tool: "checkov", "cfn_nag", "guard", "cfn-lint".
  std::map<std::string, std::vector<std::string>> equivalents;
  // "graph" (implemented in src/rules/checks/), "declarative" (the `check` below), or "engine"
  // (reported by the pipeline itself, such as T001).
  std::string implementation;
  const load::Node* check = nullptr;  // the declarative check, when there is one
  // The graph check (src/rules/checks/) of an implementation "graph" rule, found in the
  // CheckRegistry once, when the catalogue adds the rule (not per template); null otherwise.
  void (*graph_check)(CheckContext&) = nullptr;
  std::string file;      // rules/R110.yaml
  bool builtin = false;  // compiled in; else from a configured rule directory
};

// Another place that explains a finding. `file` is the path of the file it is in (as given,
// like FileResult's source path) when that is not the finding's own file (a parameter file, an
// exporting template); empty: the finding's file.
struct Related {
  load::Range range;
  std::string message;
  // The path of the file `range` is in when it is not the finding's own (a parameter file, a
  // stack linked into the run); empty: the finding's file.
  std::string file = {};
  // The node `range` was taken from, when known: a linked run tells its file by it.
  const load::Node* node = nullptr;

  // The path of the file `related` is in, for a finding in `finding_file`.
  const std::string& file_or(const std::string& finding_file) const {
    return file.empty() ? finding_file : file;
  }
};

// A proposed edit that resolves a finding: replace the text at `range` (in the finding's file)
// with `replacement`. `title` says it for a person ("Replace with VersioningConfiguration").
// Reports and the language server offer it; stacklint itself never applies it to an input.
struct Fix {
  std::string title;
  load::Range range;
  std::string replacement;
};

struct Finding {
  const RuleInfo* rule = nullptr;
  Severity severity = Severity::Warning;
  load::Range range;
  std::string resource;  // logical id; empty for template-level findings
  std::string message;
  std::vector<Related> related;
  std::vector<Fix> fixes;  // at most a few, most likely first; empty when none is certain
  // Where in the template the finding is, by names rather than lines ("Resources/Db/MultiAZ"):
  // the identity that baselines and fingerprints keep across edits.
  std::string path;
  // The node the finding points at, when known: a linked run tells its file by it (a rule that
  // runs on one stack may point at a resource of another).
  const load::Node* node = nullptr;
  bool suppressed = false;
  std::string suppression_kind;  // "inSource" or "external"
  std::string suppression_reason;
};

}  // namespace stacklint::rules
