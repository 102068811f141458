#include "rules/engine.h"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "graph/resolver.h"
#include "graph/template.h"
#include "rules/check.h"
#include "rules/checks/spec_rules.h"
#include "rules/declarative.h"
#include "rules/suppressions.h"

namespace stacklint::rules {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// "Resources" spelt in UTF-16 or UTF-32 (either byte order): a template saved in the wrong
// encoding is still a template, and its T001 says which encoding it is.
bool mentions_resources_wide(const std::string& bytes) {
  for (size_t width : {2, 4}) {
    for (bool big_endian : {false, true}) {
      std::string wide;
      for (char c : std::string_view("Resources")) {
        std::string unit(width, '\0');
        unit[big_endian ? width - 1 : 0] = c;
        wide += unit;
      }
      if (bytes.find(wide) != std::string::npos) return true;
    }
  }
  return false;
}

bool mentions_cloudformation(const std::string& bytes) {
  return bytes.find("Resources") != std::string::npos ||
         bytes.find("AWSTemplateFormatVersion") != std::string::npos ||
         (bytes.find('\0') != std::string::npos && mentions_resources_wide(bytes));
}

void run_rules(const load::Source& source, const load::Loaded& loaded, const graph::Template& tmpl,
               const graph::Resolver& resolver, const Catalog& catalog, const LintOptions& options,
               FileResult& result);

}  // namespace

bool Selection::enabled(const RuleInfo& rule) const {
  // The usual run selects nothing: every rule, asked once per rule and template.
  if (select.empty() && ignore.empty() && severity.empty()) return true;
  auto named = [&](const std::set<std::string>& set) {
    return set.count(rule.id) > 0 || set.count(rule.name) > 0;
  };
  if (!select.empty() && !named(select)) return false;
  if (named(ignore)) return false;
  auto it = severity.find(rule.id);
  return it == severity.end() || it->second != "off";
}

Severity Selection::severity_of(const RuleInfo& rule) const {
  Severity result = rule.severity;
  if (severity.empty()) return result;
  if (auto it = severity.find(rule.id); it != severity.end()) parse_severity(it->second, result);
  return result;
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
    if (a.rule->id != b.rule->id) return a.rule->id < b.rule->id;
    if (a.range.end != b.range.end) return a.range.end < b.range.end;
    return a.message < b.message;
  });
}

FileResult lint(std::shared_ptr<const load::Source> source, const Catalog& catalog,
                const LintOptions& options) {
  Clock::time_point start = Clock::now();
  load::Loaded loaded = load::load(*source, options.limits);
  double load_time = seconds_since(start);
  FileResult result = lint_loaded(std::move(source), loaded, catalog, options);
  result.times.load = load_time;
  return result;
}

FileResult lint_loaded(std::shared_ptr<const load::Source> source, const load::Loaded& loaded,
                       const Catalog& catalog, const LintOptions& options) {
  FileResult result;
  result.source = source;
  const RuleInfo* unreadable = catalog.unreadable();
  auto report_unreadable = [&](load::Range range, std::string message) {
    if (unreadable == nullptr || !options.selection.enabled(*unreadable)) return;
    Finding finding;
    finding.rule = unreadable;
    finding.severity = options.selection.severity_of(*unreadable);
    finding.range = range;
    finding.message = std::move(message);
    finding.path = "";
    result.findings.push_back(std::move(finding));
  };

  if (loaded.error) {
    if (options.skip_non_templates && !mentions_cloudformation(source->bytes())) {
      result.skipped = true;
      return result;
    }
    report_unreadable(loaded.error->range, loaded.error->message);
    return result;
  }
  const load::Node* root = loaded.document.root;
  const load::Node* resources = root->is_mapping() ? root->get("Resources") : nullptr;
  bool looks_like_template =
      root->is_mapping() &&
      (resources != nullptr || root->get("AWSTemplateFormatVersion") != nullptr);
  if (!looks_like_template && options.skip_non_templates) {
    result.skipped = true;
    return result;
  }
  if (!root->is_mapping()) {
    report_unreadable({root->range.begin, root->range.begin},
                      "the template's top level must be a mapping of sections");
    return result;
  }
  if (resources == nullptr || !resources->is_mapping()) {
    load::Range at = resources != nullptr ? root->key_node("Resources")->range
                                          : load::Range{root->range.begin, root->range.begin};
    report_unreadable(at, resources == nullptr
                              ? "the template has no Resources section; CloudFormation requires one"
                              : "Resources must be a mapping of logical ids to resources");
    return result;
  }

  Clock::time_point start = Clock::now();
  graph::Template tmpl(root);
  graph::Resolver resolver(tmpl, options.parameters.get());
  result.times.graph = seconds_since(start);
  run_rules(*source, loaded, tmpl, resolver, catalog, options, result);
  return result;
}

namespace {

// The rules over a built graph, then T007, T004, suppressions and the order of findings.
void run_rules(const load::Source& source, const load::Loaded& loaded, const graph::Template& tmpl,
               const graph::Resolver& resolver, const Catalog& catalog, const LintOptions& options,
               FileResult& result) {
  Clock::time_point start = Clock::now();
  CheckContext::SharedFacts facts;  // derived once per template, by the first rule that asks
  // The usual run selects nothing: every rule is enabled, known once rather than asked per rule.
  const Selection& selection = options.selection;
  bool every_rule =
      selection.select.empty() && selection.ignore.empty() && selection.severity.empty();
  for (const auto& [rule, graph_check] : catalog.runnable()) {
    if (!every_rule && !selection.enabled(*rule)) continue;
    size_t first = result.findings.size();
    CheckContext ctx(source, tmpl, resolver, *rule, result.findings);
    ctx.shared_facts = &facts;
    if (graph_check != nullptr) {
      graph_check(ctx);
    } else {
      run_declarative_check(ctx);
    }
    // A property another rule finds missing, but written misspelled, is T101's to report.
    specrules::drop_near_miss_findings(ctx, result.findings, first);
    // A check may lower one finding below its rule's severity (a value that is only a
    // parameter's default); a severity the user configured applies to all.
    if (first == result.findings.size()) continue;
    Severity severity = options.selection.severity_of(*rule);
    bool configured = options.selection.severity.count(rule->id) != 0;
    for (size_t i = first; i < result.findings.size(); ++i) {
      Finding& finding = result.findings[i];
      if (configured || finding.severity >= rule->severity) finding.severity = severity;
    }
  }
  // T007 from what the resolver met while the rules ran: values a limit made Unknown, so that
  // findings which depend on them may be missing.
  const RuleInfo* limit_rule = catalog.limited();
  if (limit_rule != nullptr && options.selection.enabled(*limit_rule)) {
    for (const graph::Resolver::Limited& limited : resolver.limited()) {
      Finding finding;
      finding.rule = limit_rule;
      finding.severity = options.selection.severity_of(*limit_rule);
      finding.range = limited.at->range;
      finding.message =
          limited.copies
              ? "this value hands out copies of large values (a long Default read by many Refs) "
                "past stacklint's allowance of " +
                    std::to_string(resolver.limits().copies / 1024 / 1024) +
                    " MB for this template: it is read as unknown, and findings that depend on it "
                    "may be missing"
          : limited.string_length
              ? "this value builds a string longer than " +
                    std::to_string(graph::kMaxStringLength / 1024) +
                    " KB, past stacklint's analysis limit: it is read as unknown, and findings "
                    "that depend on it may be missing"
              : "resolving this value took more than stacklint's step allowance (" +
                    std::to_string(resolver.limits().per_resolution) + " steps per value, " +
                    std::to_string(resolver.budget()) +
                    " per template): it is read as unknown, and findings that depend on it may "
                    "be missing";
      result.findings.push_back(std::move(finding));
    }
  }
  // T004 from what the loader saw: the tree itself no longer tells an alias from a copy.
  const RuleInfo* alias_rule = catalog.aliases();
  if (const std::vector<load::Range>& aliases = loaded.document.yaml_aliases;
      !aliases.empty() && alias_rule != nullptr && options.selection.enabled(*alias_rule)) {
    Finding finding;
    finding.rule = alias_rule;
    finding.severity = options.selection.severity_of(*alias_rule);
    finding.range = aliases[0];
    finding.message =
        "the template uses YAML aliases (" + std::to_string(aliases.size()) +
        (aliases.size() == 1 ? " alias" : " aliases") +
        "): the CloudFormation service rejects it (\"YAML aliases are not allowed in "
        "CloudFormation templates\"); it deploys only after `aws cloudformation package` or SAM "
        "expands them. stacklint reads it as expanded.";
    constexpr size_t kShown = 5;  // the rest are the same finding
    for (size_t i = 1; i < aliases.size() && i <= kShown; ++i) {
      finding.related.push_back({aliases[i], "another alias"});
    }
    result.findings.push_back(std::move(finding));
  }
  // Suppressions are read from the same tree, so this runs while the tree is still loaded.
  apply_suppressions(source, tmpl, catalog, options, result.findings);
  result.times.rules = seconds_since(start);
  sort_findings(result.findings);
  // An alias puts the same text at several places of the tree, and a rule that walks the tree
  // finds it at each, with a message that may name each expansion's resource: a finding is
  // reported once per rule and place in the text (the first in sorted order), not per expansion.
  if (!loaded.document.yaml_aliases.empty()) {
    auto same = [](const Finding& a, const Finding& b) {
      return a.rule == b.rule && a.range == b.range;
    };
    result.findings.erase(std::unique(result.findings.begin(), result.findings.end(), same),
                          result.findings.end());
  }
}

}  // namespace

bool is_template_tree(const load::Loaded& loaded) {
  if (loaded.error || loaded.document.root == nullptr) return false;
  const load::Node* root = loaded.document.root;
  const load::Node* resources = root->is_mapping() ? root->get("Resources") : nullptr;
  return resources != nullptr && resources->is_mapping();
}

namespace {

Finding set_finding(const Catalog& catalog, const LintOptions& options, std::string_view id,
                    const load::Node* at, std::string message) {
  Finding finding;
  finding.rule = catalog.find(id);
  finding.severity = options.selection.severity_of(*finding.rule);
  finding.range = at->range;
  finding.node = at;
  finding.message = std::move(message);
  return finding;
}

bool selected(const Catalog& catalog, const LintOptions& options, std::string_view id) {
  const RuleInfo* rule = catalog.find(id);
  return rule != nullptr && options.selection.enabled(*rule);
}

}  // namespace

StackResult lint_stack(std::shared_ptr<const load::Source> source, const load::Loaded& loaded,
                       const graph::StackSet& set, const graph::Stack& stack,
                       const Catalog& catalog, const LintOptions& options) {
  StackResult out;
  FileResult& result = out.own;
  result.source = source;
  run_rules(*source, loaded, stack.tmpl(), stack.resolver(), catalog, options, result);
  std::string own = stack.file();
  // Exports and imports across the set.
  if (selected(catalog, options, "T060")) {
    for (const auto& [again, first] : set.duplicate_exports(stack)) {
      Finding finding = set_finding(
          catalog, options, "T060", again->name_node,
          "export name " + again->name + " is already exported by output " + first->output->id +
              (first->stack == &stack ? "" : " of stack " + first->stack->file()) +
              ": CloudFormation refuses to create a stack whose export name another export in "
              "the region already uses. Give each export a unique name (prefix it with "
              "${AWS::StackName}).");
      finding.path = "Outputs/" + again->output->id + "/Export/Name";
      finding.related.push_back(
          {first->name_node->range, "first exported here", {}, first->name_node});
      result.findings.push_back(std::move(finding));
    }
  }
  if (selected(catalog, options, "T061")) {
    for (const graph::MissingImport& missing : set.missing_imports(stack)) {
      Finding finding = set_finding(
          catalog, options, "T061", missing.at,
          "Fn::ImportValue " + missing.name +
              ": no stack of the configured set exports this name, so CloudFormation cannot "
              "create or update this stack. Export it from the stack that owns the value, or "
              "correct the name.");
      result.findings.push_back(std::move(finding));
    }
  }
  // Which file each finding and related location is in: a rule that follows a value into
  // another stack may point there.
  std::vector<Finding> kept;
  for (Finding& finding : result.findings) {
    std::string_view found = set.file_of(finding.node);
    std::string file = found.empty() ? own : std::string(found);
    for (Related& related : finding.related) {
      std::string_view at = related.file.empty() ? set.file_of(related.node) : related.file;
      std::string related_file = at.empty() ? own : std::string(at);
      related.file = related_file == file ? "" : related_file;
    }
    if (file == own) {
      kept.push_back(std::move(finding));
    } else {
      out.elsewhere.emplace_back(std::move(file), std::move(finding));
    }
  }
  result.findings = std::move(kept);
  sort_findings(result.findings);
  return out;
}

}  // namespace stacklint::rules
