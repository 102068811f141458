// GitLab Code Quality: a JSON array of issues that the merge request widget compares between the
// source and target branches by fingerprint.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

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
  w.StartArray();
  for (const rules::FileResult& file : run.files) {
    std::string path = display_path(file.source->path());
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) continue;
      std::string id = fingerprint(finding, path);
      for (int n = 2; !used.insert(id).second; ++n) {
        id = fingerprint(finding, path + "#" + std::to_string(n));
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
