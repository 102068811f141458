// The format for people: where, what, the line with the range underlined, and how to fix it.
#include <algorithm>

#include "report/report.h"

namespace stacklint::report {

namespace {

struct Style {
  bool on;
  const char* operator()(const char* code) const { return on ? code : ""; }
};

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[1;31m";
constexpr const char* kYellow = "\x1b[1;33m";
constexpr const char* kBlue = "\x1b[1;36m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";

const char* severity_color(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::Error:
      return kRed;
    case rules::Severity::Warning:
      return kYellow;
    case rules::Severity::Info:
      return kBlue;
  }
  return "";
}

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The fix's first sentence as a one-line hint: its first paragraph joined into one line, cut
// after the first full stop that ends a sentence (so "`MultiAZ: true`." is kept whole).
std::string first_sentence(std::string_view text) {
  std::string paragraph;
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    size_t first = line.find_first_not_of(' ');
    if (first == std::string_view::npos) break;  // a blank line ends the paragraph
    if (!paragraph.empty()) paragraph += ' ';
    paragraph += line.substr(first);
    at = end + 1;
  }
  bool in_code = false;
  for (size_t i = 0; i < paragraph.size(); ++i) {
    if (paragraph[i] == '`') in_code = !in_code;
    if (!in_code && paragraph[i] == '.' && (i + 1 == paragraph.size() || paragraph[i + 1] == ' ')) {
      return paragraph.substr(0, i + 1);
    }
  }
  while (!paragraph.empty() && paragraph.back() == ' ') paragraph.pop_back();
  // "Do this:" introduces an example that the one-line hint leaves out.
  if (!paragraph.empty() && paragraph.back() == ':') paragraph.back() = '.';
  return paragraph;
}

// A line is shown as a window around the range: at most kContext characters either side and
// kMaxUnderline of the range, so that a finding on a minified one-line template costs a line,
// not the template. "..." marks what is left out.
constexpr size_t kContext = 40;
constexpr size_t kMaxUnderline = 80;

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

void write_snippet(const load::Source& source, const rules::Finding& finding, Style style,
                   std::ostream& out) {
  uint32_t line = finding.range.begin.line;
  if (line == 0 || line > source.line_count()) return;
  std::string_view bytes = source.bytes();
  std::string_view full = source.line_text(line);
  size_t line_start = static_cast<size_t>(full.data() - bytes.data());
  size_t line_end = line_start + full.size();
  size_t begin = std::clamp(source.offset_of(finding.range.begin), line_start, line_end);
  size_t end = finding.range.end.line == line
                   ? std::clamp(source.offset_of(finding.range.end), begin, line_end)
                   : line_end;
  // Steps over `n` characters (not bytes) backward or forward, within [low, high].
  auto back = [&](size_t at, size_t n, size_t low) {
    for (; n > 0 && at > low; --n) {
      do --at;
      while (at > low && continuation_byte(bytes[at]));
    }
    return at;
  };
  auto forward = [&](size_t at, size_t n, size_t high) {
    for (; n > 0 && at < high; --n) {
      do ++at;
      while (at < high && continuation_byte(bytes[at]));
    }
    return at;
  };
  size_t underlined_end = forward(begin, kMaxUnderline, end);
  size_t from = back(begin, kContext, line_start);
  size_t to = forward(underlined_end, kContext, line_end);
  auto piece = [&](size_t a, size_t b) { return printable(bytes.substr(a, b - a)); };
  // One character for one (printable keeps the count): the underline stays under the range.
  std::string before = (from > line_start ? "..." : "") + piece(from, begin);
  std::string range = piece(begin, underlined_end);
  std::string text = before + range + piece(underlined_end, to) + (to < line_end ? "..." : "");
  std::string number = std::to_string(line);
  std::string gutter(number.size(), ' ');
  size_t width = std::max<size_t>(code_points(range), 1);
  out << style(kDim) << gutter << " |" << style(kReset) << "\n";
  out << style(kDim) << number << " |" << style(kReset) << " " << text << "\n";
  out << style(kDim) << gutter << " |" << style(kReset) << " "
      << std::string(code_points(before), ' ') << style(severity_color(finding.severity))
      << std::string(width, '^') << style(kReset) << "\n";
}

}  // namespace

bool reads_file_text(std::string_view format) {
  return format == "text";
}

// What write_snippet reads of a file: line_count(), the finding's first line (line_text) and
// offsets on it (offset_of, clamped to the line). A line keeps its bytes and its number, so
// each of these is the same in the kept lines as in the whole file.
void SnippetLines::keep(const load::Source& source, const std::vector<rules::Finding>& findings) {
  for (const rules::Finding& finding : findings) {
    uint32_t line = finding.range.begin.line;
    if (line == 0 || line > source.line_count() || lines_.count(line) > 0) continue;
    lines_.emplace(line, source.line_text(line));
  }
}

std::shared_ptr<const load::Source> SnippetLines::source(std::string path) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  std::string text;
  if (!lines_.empty()) {
    // A first line that starts with the bytes of a byte order mark goes behind one: the Source
    // would take them for the file's own mark.
    bool mark = lines_.begin()->first == 1 && lines_.begin()->second.starts_with(kByteOrderMark);
    size_t size = (mark ? kByteOrderMark.size() : 0) + lines_.rbegin()->first - 1;
    for (const auto& [number, line] : lines_) size += line.size();
    text.reserve(size);
    if (mark) text += kByteOrderMark;
    // Line breaks are LFs: no kept line holds one, nor a CR (a lone CR ends a line, and
    // line_text leaves out a CRLF's CR).
    uint32_t at = 1;
    for (const auto& [number, line] : lines_) {
      text.append(number - at, '\n');
      text += line;
      at = number;
    }
    lines_.clear();
  }
  return std::make_shared<const load::Source>(std::move(path), std::move(text));
}

void write_text(const Run& run, std::ostream& out) {
  Style style{run.color};
  for (const Notice& notice : run.notices) {
    out << style(kBold) << printable(display_path(notice.path)) << style(kReset) << ": "
        << style(kRed) << "error" << style(kReset) << ": " << printable(notice.message) << "\n";
  }
  for (const rules::FileResult& file : run.files) {
    for (const rules::Finding& finding : file.findings) {
      if (finding.suppressed) continue;
      out << style(kBold) << printable(display_path(file.source->path())) << ":"
          << finding.range.begin.line << ":" << finding.range.begin.column << ":" << style(kReset)
          << " " << style(severity_color(finding.severity)) << rules::to_string(finding.severity)
          << style(kReset) << ": " << printable(finding.message) << " " << style(kDim) << "["
          << finding.rule->id << " " << finding.rule->name << "]" << style(kReset) << "\n";
      write_snippet(*file.source, finding, style, out);
      for (const rules::Related& related : finding.related) {
        out << "  " << style(kDim) << "= note:" << style(kReset) << " "
            << printable(related.message) << " ("
            << printable(display_path(related.file_or(file.source->path()))) << ":"
            << related.range.begin.line << ":" << related.range.begin.column << ")\n";
      }
      if (!finding.rule->docs.fix.empty()) {
        out << "  " << style(kBold) << "= help:" << style(kReset) << " "
            << first_sentence(finding.rule->docs.fix) << " (stacklint explain " << finding.rule->id
            << ")\n";
      }
      out << "\n";
    }
  }
  if (run.quiet) return;
  Counts counts = count(run);
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (counts.files == 0 && !run.notices.empty()) {
    return;  // every path was a problem, reported above: nothing was linted to sum up
  } else if (counts.files == 0) {
    // Most likely the wrong folder, or templates with other extensions: say so plainly.
    out << "No CloudFormation templates found (looked for *.yaml, *.yml, *.json, *.template)";
  } else if (counts.findings == 0 && !run.notices.empty()) {
    // Not "no problems": some paths could not be linted.
    out << "No findings in " << plural(counts.files, "file") << " linted; "
        << plural(run.notices.size(), "path") << " could not be linted";
  } else if (counts.findings == 0) {
    out << "No problems found in " << plural(counts.files, "file");
  } else {
    out << style(kBold) << "Found " << plural(counts.findings, "problem") << style(kReset) << " ("
        << plural(counts.errors, "error") << ", " << plural(counts.warnings, "warning") << ", "
        << plural(counts.infos, "info") << ") in " << plural(counts.files, "file");
  }
  if (counts.suppressed > 0) out << "; " << counts.suppressed << " suppressed";
  if (run.baselined > 0) out << "; " << run.baselined << " in the baseline";
  // Findings too do not make the summary forget the paths that were never looked at.
  if (counts.findings > 0 && !run.notices.empty()) {
    out << "; " << plural(run.notices.size(), "path") << " could not be linted";
  }
  out << ".\n";
}

}  // namespace stacklint::report
