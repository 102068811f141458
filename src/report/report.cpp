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

namespace {

// Code points that change how a terminal, a log viewer or a browser shows the text around them:
// C0 and C1 controls (escape sequences), DEL, bidirectional marks and overrides (text shown in
// an order other than its own), line and paragraph separators (line breaks to JavaScript and
// some editors), the byte order mark, interlinear annotations and noncharacters (invalid in
// XML). Sources: Unicode's Bidi_Control property, ECMA-262's LineTerminator, XML 1.0's Char.
bool unsafe_code_point(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF ||
         (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE ||
         (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF;
}

}  // namespace

CharAt char_at(std::string_view text, size_t i) {
  auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return {1, unsafe_code_point(lead)};
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead >= 0xF8 || i + length > text.size()) return {1, true};  // not UTF-8
  uint32_t c = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {1, true};
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  return {length, unsafe_code_point(c)};
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    CharAt at = char_at(text, i);
    if (text[i] == '\t') {
      out += ' ';
    } else if (at.unsafe) {
      out += '?';  // one character for one, so that an underline stays under its range
    } else {
      out.append(text.substr(i, at.length));
    }
    i += at.length;
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
