// SARIF 2.1.0 for GitHub code scanning and SARIF viewers. Rule metadata comes from rules/.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include "report/report.h"

namespace stacklint::report {

namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

// SARIF's levels are the compilers' words.
const char* sarif_level(rules::Severity severity) {
  return word_for(severity, kCompilerWords);
}

// A relative path as a URI reference: percent-encode what is not allowed in a path segment.
std::string uri_of(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : display_path(path)) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
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
    key("description");
    text_message("The directory stacklint was run from; result paths are relative to it.");
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
    key("tags");
    w_.StartArray();
    for (const std::string& tag : rule.tags) str(tag);
    w_.EndArray();
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
    key("artifactLocation");
    w_.StartObject();
    key("uri");
    str(uri_of(path));
    key("uriBaseId");
    str("%SRCROOT%");
    w_.EndObject();
    if (range != nullptr && range->begin.line > 0) {
      key("region");
      w_.StartObject();
      key("startLine");
      w_.Uint(range->begin.line);
      key("startColumn");
      w_.Uint(std::max<uint32_t>(range->begin.column, 1));
      key("endLine");
      w_.Uint(std::max(range->end.line, range->begin.line));
      key("endColumn");
      w_.Uint(std::max<uint32_t>(range->end.column, 1));
      w_.EndObject();
    }
    w_.EndObject();
  }

  void write_results() {
    key("results");
    w_.StartArray();
    for (const rules::FileResult& file : run_.files) {
      for (const rules::Finding& finding : file.findings) write_result(file, finding);
    }
    w_.EndArray();
  }

  void write_result(const rules::FileResult& file, const rules::Finding& finding) {
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
        physical_location(path, &finding.related[i].range);
        key("message");
        text_message(finding.related[i].message);
        w_.EndObject();
      }
      w_.EndArray();
    }
    key("partialFingerprints");
    w_.StartObject();
    key("stacklintFindingHash/v1");
    str(fingerprint(finding, path));
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
  rapidjson::OStreamWrapper stream_;
  JsonWriter w_;
};

}  // namespace

void write_sarif(const Run& run, std::ostream& out) {
  SarifWriter(run, out).write();
  out << "\n";
}

}  // namespace stacklint::report
