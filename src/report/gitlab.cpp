// GitLab Code Quality: a JSON array of issues that the merge request widget compares between the
// source and target branches by fingerprint.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <map>
#include <set>

#include "report/report.h"

namespace stacklint::report {

namespace {

// GitLab's scale is info, minor, major, critical, blocker; stacklint's three levels take the
// lower three, so that "critical" stays free for what would stop a deployment outright.
std::string_view gitlab_severity(rules::Severity severity) {
  return word_for(severity, {"major", "minor", "info"});
}

}  // namespace

void write_gitlab(const Run& run, std::ostream& out) {
  rapidjson::OStreamWrapper stream(out);
  rapidjson::PrettyWriter<rapidjson::OStreamWrapper> w(stream);
  w.SetIndent(' ', 2);
  auto string = [&](std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  };
  // GitLab shows one issue per fingerprint, so findings that share an identity are numbered.
  std::set<std::string> used;
  std::map<std::string, int> next_number;  // fingerprint → the next number to try for it
  w.StartArray();
  for (const rules::FileResult& file : run.files) {
    std::string path = artifact_path(run, file.source->path()).path;
    std::vector<std::string> hashes = fingerprints(run, file);
    for (size_t i = 0; i < file.findings.size(); ++i) {
      const rules::Finding& finding = file.findings[i];
      if (finding.suppressed) continue;
      const std::string& base = hashes[i];
      std::string id = base;
      if (!used.insert(id).second) {
        // Distinct within a file already; across files only a 64-bit collision repeats one.
        // Numbering goes on where the last finding of this identity stopped: linear, however
        // many findings share it.
        int& n = next_number.try_emplace(base, 2).first->second;
        do {
          id = base + "-" + std::to_string(n++);
        } while (!used.insert(id).second);
      }
      w.StartObject();
      w.Key("description");
      string(finding.message);
      w.Key("check_name");
      string(finding.rule->id + " " + finding.rule->name);
      w.Key("fingerprint");
      string(id);
      w.Key("severity");
      string(gitlab_severity(finding.severity));
      w.Key("location");
      w.StartObject();
      w.Key("path");
      string(path);
      w.Key("lines");
      w.StartObject();
      w.Key("begin");
      w.Uint(std::max<uint32_t>(finding.range.begin.line, 1));
      w.EndObject();
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();
  out << "\n";
}

}  // namespace stacklint::report
