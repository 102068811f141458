#include "report/report.h"

#include <cstdint>
#include <cstdio>

namespace stacklint::report {

Counts count(const Run& run) {
  Counts counts;
  for (const rules::FileResult& file : run.files) {
    if (file.skipped) continue;
    ++counts.files;
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) {
        ++counts.suppressed;
        continue;
      }
      ++counts.findings;
      switch (finding.severity) {
        case rules::Severity::Error:
          ++counts.errors;
          break;
        case rules::Severity::Warning:
          ++counts.warnings;
          break;
        case rules::Severity::Info:
          ++counts.infos;
          break;
      }
    }
  }
  return counts;
}

std::string display_path(std::string_view path) {
  std::string out(path);
  for (char& c : out) {
    if (c == '\\') c = '/';
  }
  while (out.rfind("./", 0) == 0) out.erase(0, 2);
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else if (c == 0xC2 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80) {
      out += '?';  // a C1 control character (U+0080 to U+009F), such as CSI
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string fingerprint(const rules::Finding& finding, std::string_view path) {
  // FNV-1a over what identifies a finding without its line.
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFF;
    hash *= 1099511628211ULL;
  };
  mix(finding.rule->id);
  mix(display_path(path));
  mix(finding.path.empty() ? finding.message : finding.path);
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

namespace {

struct NamedWriter {
  std::string_view name;
  Writer writer;
};

constexpr NamedWriter kWriters[] = {
    {"text", write_text},   {"concise", write_concise}, {"json", write_json},
    {"sarif", write_sarif}, {"github", write_github},   {"gitlab", write_gitlab},
    {"junit", write_junit},
};

}  // namespace

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

Writer find_writer(std::string_view format) {
  for (const NamedWriter& named : kWriters) {
    if (named.name == format) return named.writer;
  }
  return nullptr;
}

std::vector<std::string_view> format_names() {
  std::vector<std::string_view> names;
  for (const NamedWriter& named : kWriters) names.push_back(named.name);
  return names;
}

}  // namespace stacklint::report
