// The JSON contract: tools and CI scripts parse it, so its shape only ever grows.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "report/report.h"

namespace stacklint::report {

void write_json(const Run& run, std::ostream& out) {
  // Written into a buffer that goes out once per file: a stream wrapper would put each
  // character through the ostream on its own.
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  auto flush = [&] {
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    buffer.Clear();
  };
  w.SetIndent(' ', 2);
  auto string = [&](std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  w.StartObject();
  w.Key("tool");
  string("stacklint");
  w.Key("version");
  string(kVersion);
  w.Key("findings");
  w.StartArray();
  for (const rules::FileResult& file : run.files) {
    std::string path = display_path(file.source->path());
    std::vector<std::string> hashes = fingerprints(run, file);
    for (size_t i = 0; i < file.findings.size(); ++i) {
      const rules::Finding& finding = file.findings[i];
      if (finding.suppressed && !run.include_suppressed) continue;
      w.StartObject();
      w.Key("rule");
      string(finding.rule->id);
      w.Key("name");
      string(finding.rule->name);
      w.Key("severity");
      string(rules::to_string(finding.severity));
      w.Key("file");
      string(path);
      w.Key("line");
      w.Uint(finding.range.begin.line);
      w.Key("column");
      w.Uint(finding.range.begin.column);
      w.Key("end_line");
      w.Uint(finding.range.end.line);
      w.Key("end_column");
      w.Uint(finding.range.end.column);
      w.Key("resource");
      if (finding.resource.empty()) {
        w.Null();
      } else {
        string(finding.resource);
      }
      w.Key("message");
      string(finding.message);
      w.Key("related");
      w.StartArray();
      for (const rules::Related& related : finding.related) {
        w.StartObject();
        w.Key("file");
        string(related.file.empty() ? path : display_path(related.file));
        w.Key("line");
        w.Uint(related.range.begin.line);
        w.Key("column");
        w.Uint(related.range.begin.column);
        w.Key("end_line");
        w.Uint(related.range.end.line);
        w.Key("end_column");
        w.Uint(related.range.end.column);
        w.Key("message");
        string(related.message);
        w.EndObject();
      }
      w.EndArray();
      w.Key("fingerprint");
      string(hashes[i]);
      w.Key("suppressed");
      w.Bool(finding.suppressed);
      if (finding.suppressed) {
        w.Key("suppression");
        w.StartObject();
        w.Key("kind");
        string(finding.suppression_kind);
        w.Key("reason");
        string(finding.suppression_reason);
        w.EndObject();
      }
      w.EndObject();
    }
    flush();
  }
  w.EndArray();
  w.Key("errors");
  w.StartArray();
  for (const Notice& notice : run.notices) {
    w.StartObject();
    w.Key("file");
    string(display_path(notice.path));
    w.Key("message");
    string(notice.message);
    w.EndObject();
  }
  w.EndArray();
  Counts counts = count(run);
  w.Key("summary");
  w.StartObject();
  w.Key("files");
  w.Uint64(counts.files);
  w.Key("findings");
  w.Uint64(counts.findings);
  w.Key("errors");
  w.Uint64(counts.errors);
  w.Key("warnings");
  w.Uint64(counts.warnings);
  w.Key("infos");
  w.Uint64(counts.infos);
  w.Key("suppressed");
  w.Uint64(counts.suppressed);
  w.EndObject();
  w.EndObject();
  flush();
  out << "\n";
}

}  // namespace stacklint::report
