// SARIF 2.1.0 for GitHub code scanning and SARIF viewers. Rule metadata comes from rules/.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <algorithm>
#include <map>

#include "report/report.h"

namespace stacklint::report {

namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

// SARIF's levels are the compilers' words.
const char* sarif_level(rules::Severity severity) {
  return word_for(severity, kCompilerWords);
}

// GitHub's security-severity (a number 0.0 to 10.0 as a string; 9.0 and up critical, 7.0 high,
// 4.0 medium, below low), derived from the rule's severity: stacklint's error is what stops a
// deployment or exposes data outright (high), a warning a weakness (medium), info a hint (low).
// Source: GitHub docs, "SARIF support for code scanning", reportingDescriptor properties.
const char* security_severity(rules::Severity severity) {
  return word_for(severity, {"8.0", "5.5", "2.0"});
}

// Security rules: the S2xx family and any rule tagged "security".
bool is_security_rule(const rules::RuleInfo& rule) {
  return rule.id.rfind("S2", 0) == 0 ||
         std::find(rule.tags.begin(), rule.tags.end(), "security") != rule.tags.end();
}

class SarifWriter {
 public:
  SarifWriter(const Run& run, std::ostream& out) : run_(run), stream_(out), w_(stream_) {
    w_.SetIndent(' ', 2);
  }

  void write() {
    w_.StartObject();
    key("$schema");
    str("https://json.schemastore.org/sarif-2.1.0.json");
    key("version");
    str("2.1.0");
    key("runs");
    w_.StartArray();
    w_.StartObject();
    write_tool();
    key("automationDetails");
    w_.StartObject();
    key("id");
    str("stacklint/");
    w_.EndObject();
    key("columnKind");
    str("unicodeCodePoints");
    key("originalUriBaseIds");
    w_.StartObject();
    key("%SRCROOT%");
    w_.StartObject();
    if (!run_.root.empty()) {
      key("uri");
      std::string uri = file_uri(run_.root);
      if (uri.back() != '/') uri += '/';  // a base URI names a folder: it ends with a slash
      str(uri);
    }
    key("description");
    text_message("The repository root (or --root); result paths are relative to it.");
    w_.EndObject();
    w_.EndObject();
    write_invocation();
    write_results();
    w_.EndObject();
    w_.EndArray();
    w_.EndObject();
  }

 private:
  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void str(std::string_view s) { w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void text_message(std::string_view text) {
    w_.StartObject();
    key("text");
    str(text);
    w_.EndObject();
  }

  void write_tool() {
    key("tool");
    w_.StartObject();
    key("driver");
    w_.StartObject();
    key("name");
    str("stacklint");
    key("version");
    str(kVersion);
    key("semanticVersion");
    str(kVersion);
    key("rules");
    w_.StartArray();
    for (const rules::RuleInfo* rule : run_.catalog->rules()) write_rule(*rule);
    w_.EndArray();
    w_.EndObject();
    w_.EndObject();
  }

  void write_rule(const rules::RuleInfo& rule) {
    w_.StartObject();
    key("id");
    str(rule.id);
    key("name");
    str(rule.name);
    key("shortDescription");
    text_message(rule.title);
    key("fullDescription");
    text_message(rule.docs.what);
    key("help");
    w_.StartObject();
    key("text");
    str(rule.docs.fix);
    key("markdown");
    str(rule_markdown(rule));
    w_.EndObject();
    key("defaultConfiguration");
    w_.StartObject();
    key("level");
    str(sarif_level(rule.severity));
    w_.EndObject();
    key("properties");
    w_.StartObject();
    bool security = is_security_rule(rule);
    key("tags");
    w_.StartArray();
    for (const std::string& tag : rule.tags) str(tag);
    if (security && std::find(rule.tags.begin(), rule.tags.end(), "security") == rule.tags.end())
      str("security");
    w_.EndArray();
    // Rules report only what the template proves (unknown is silent): no false positives by
    // design, which is GitHub's "very-high".
    key("precision");
    str("very-high");
    if (security) {
      key("security-severity");
      str(security_severity(rule.severity));
    } else {
      key("problem.severity");
      str(word_for(rule.severity, {"error", "warning", "recommendation"}));
    }
    key("source");
    str(rule.source);
    w_.EndObject();
    w_.EndObject();
  }

  static std::string rule_markdown(const rules::RuleInfo& rule) {
    return "## What it does\n\n" + rule.docs.what + "\n\n## Why is this bad\n\n" + rule.docs.why +
           "\n\n## Example\n\n```yaml\n" + rule.docs.example + "```\n\n## Use instead\n\n" +
           rule.docs.fix + "\n\nSource: " + rule.source + "\n";
  }

  void write_invocation() {
    key("invocations");
    w_.StartArray();
    w_.StartObject();
    key("executionSuccessful");
    w_.Bool(run_.notices.empty());
    key("toolExecutionNotifications");
    w_.StartArray();
    for (const Notice& notice : run_.notices) {
      notification(notice.path, notice.message, "error", nullptr, {});
    }
    // Templates that could not be read are results (T001) and also execution notices.
    for (const rules::FileResult& file : run_.files) {
      for (const rules::Finding& finding : file.findings) {
        if (finding.rule->id == "T001") {
          notification(file.source->path(), finding.message, "error", &finding.range, "T001");
        }
      }
    }
    w_.EndArray();
    w_.EndObject();
    w_.EndArray();
  }

  void notification(std::string_view path, std::string_view message, const char* level,
                    const load::Range* range, std::string_view rule) {
    w_.StartObject();
    key("level");
    str(level);
    key("message");
    text_message(message);
    key("locations");
    w_.StartArray();
    w_.StartObject();
    physical_location(path, range);
    w_.EndObject();
    w_.EndArray();
    if (!rule.empty()) {
      key("associatedRule");
      w_.StartObject();
      key("id");
      str(rule);
      w_.EndObject();
    }
    w_.EndObject();
  }

  void physical_location(std::string_view path, const load::Range* range) {
    key("physicalLocation");
    w_.StartObject();
    artifact_location(path);
    if (range != nullptr && range->begin.line > 0) {
      key("region");
      region(*range);
    }
    w_.EndObject();
  }

  void artifact_location(std::string_view path) {
    key("artifactLocation");
    w_.StartObject();
    // Once per file, not per location: outside the root it may ask the file system.
    auto cached = artifacts_.find(path);
    if (cached == artifacts_.end())
      cached = artifacts_.emplace(std::string(path), artifact_path(run_, path)).first;
    const ArtifactPath& artifact = cached->second;
    key("uri");
    if (artifact.under_root) {
      str(uri_reference(artifact.path));
      key("uriBaseId");
      str("%SRCROOT%");
    } else {
      str(file_uri(artifact.path));
    }
    w_.EndObject();
  }

  void region(const load::Range& range) {
    w_.StartObject();
    key("startLine");
    w_.Uint(range.begin.line);
    key("startColumn");
    w_.Uint(std::max<uint32_t>(range.begin.column, 1));
    key("endLine");
    w_.Uint(std::max(range.end.line, range.begin.line));
    key("endColumn");
    w_.Uint(std::max<uint32_t>(range.end.column, 1));
    w_.EndObject();
  }

  // SARIF's `fixes` (3.55): each proposed edit as a replacement of a region of the file.
  void write_fixes(std::string_view path, const std::vector<rules::Fix>& fixes) {
    key("fixes");
    w_.StartArray();
    for (const rules::Fix& fix : fixes) {
      w_.StartObject();
      key("description");
      text_message(fix.title);
      key("artifactChanges");
      w_.StartArray();
      w_.StartObject();
      artifact_location(path);
      key("replacements");
      w_.StartArray();
      w_.StartObject();
      key("deletedRegion");
      region(fix.range);
      key("insertedContent");
      text_message(fix.replacement);
      w_.EndObject();
      w_.EndArray();
      w_.EndObject();
      w_.EndArray();
      w_.EndObject();
    }
    w_.EndArray();
  }

  void write_results() {
    key("results");
    w_.StartArray();
    for (const rules::FileResult& file : run_.files) {
      std::vector<std::string> hashes = fingerprints(run_, file);
      for (size_t i = 0; i < file.findings.size(); ++i) {
        const rules::Finding& finding = file.findings[i];
        if (finding.suppressed && !run_.include_suppressed) continue;
        write_result(file, finding, hashes[i]);
      }
    }
    w_.EndArray();
  }

  void write_result(const rules::FileResult& file, const rules::Finding& finding,
                    std::string_view hash) {
    const std::string& path = file.source->path();
    w_.StartObject();
    key("ruleId");
    str(finding.rule->id);
    key("ruleIndex");
    w_.Uint64(run_.catalog->index_of(finding.rule));
    key("level");
    str(sarif_level(finding.severity));
    key("message");
    {
      // Related locations are linked from the message: "... [the route](1) ...".
      std::string text = finding.message;
      for (size_t i = 0; i < finding.related.size(); ++i) {
        text += (i == 0 ? " See: [" : ", [") + finding.related[i].message + "](" +
                std::to_string(i + 1) + ")";
      }
      text_message(text);
    }
    key("locations");
    w_.StartArray();
    w_.StartObject();
    physical_location(path, &finding.range);
    if (!finding.resource.empty()) {
      key("logicalLocations");
      w_.StartArray();
      w_.StartObject();
      key("name");
      str(finding.resource);
      key("fullyQualifiedName");
      str("Resources/" + finding.resource);
      key("kind");
      str("resource");
      w_.EndObject();
      w_.EndArray();
    }
    w_.EndObject();
    w_.EndArray();
    if (!finding.related.empty()) {
      key("relatedLocations");
      w_.StartArray();
      for (size_t i = 0; i < finding.related.size(); ++i) {
        w_.StartObject();
        key("id");
        w_.Uint64(i + 1);
        physical_location(finding.related[i].file_or(path), &finding.related[i].range);
        key("message");
        text_message(finding.related[i].message);
        w_.EndObject();
      }
      w_.EndArray();
    }
    if (!finding.fixes.empty()) write_fixes(path, finding.fixes);
    key("partialFingerprints");
    w_.StartObject();
    key(kFingerprintKey);
    str(hash);
    w_.EndObject();
    key("suppressions");
    w_.StartArray();
    if (finding.suppressed) {
      w_.StartObject();
      key("kind");
      str(finding.suppression_kind == "external" ? "external" : "inSource");
      key("justification");
      str(finding.suppression_reason);
      w_.EndObject();
    }
    w_.EndArray();
    w_.EndObject();
  }

  const Run& run_;
  std::map<std::string, ArtifactPath, std::less<>> artifacts_;  // by path as typed
  rapidjson::OStreamWrapper stream_;
  JsonWriter w_;
};

}  // namespace

void write_sarif(const Run& run, std::ostream& out) {
  SarifWriter(run, out).write();
  out << "\n";
}

}  // namespace stacklint::report
