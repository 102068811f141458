#include "report/report.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <optional>
#include <unordered_map>

#include <sys/stat.h>

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

namespace {

// FNV-1a, 64 bits; each part ends with a byte no text has, so ("ab", "c") ≠ ("a", "bc").
class Fnv1a {
 public:
  void mix(std::string_view text) {
    for (unsigned char c : text) step(c);
    step(0xFF);
  }
  uint64_t value() const { return hash_; }

 private:
  void step(unsigned char c) {
    hash_ ^= c;
    hash_ *= 1099511628211ULL;
  }
  uint64_t hash_ = 1469598103934665603ULL;
};

// The words whose numbers a fingerprint leaves out.
constexpr std::string_view kNumberedWords[] = {"line ", "lines ", "column "};

// A message without the numbers after "line", "lines" and "column" (T002's "first on line 5"),
// so that a finding keeps its identity when lines are inserted above it. Most messages name no
// line: they come back as they are, else the message is rewritten into `scratch`.
std::string_view without_line_numbers(std::string_view message, std::string& scratch) {
  if (std::none_of(std::begin(kNumberedWords), std::end(kNumberedWords),
                   [&](std::string_view w) { return message.find(w) != std::string_view::npos; })) {
    return message;
  }
  std::string& out = scratch;
  out.clear();
  out.reserve(message.size());
  for (size_t i = 0; i < message.size();) {
    out += message[i++];
    if (out.back() != ' ') continue;  // each word ends in a space
    for (std::string_view word : kNumberedWords) {
      size_t start = out.size() - std::min(out.size(), word.size());
      bool word_start = start == 0 || !std::isalpha(static_cast<unsigned char>(out[start - 1]));
      if (out.size() >= word.size() && out.compare(start, word.size(), word) == 0 && word_start) {
        bool digits = false;
        while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i]))) {
          ++i;
          digits = true;
        }
        if (digits) out += '#';
        break;
      }
    }
  }
  return out;
}

// Whether `file` (absolute, normal) is inside `root`: its path relative to it.
std::optional<std::filesystem::path> inside(const std::filesystem::path& file,
                                            const std::filesystem::path& root) {
  std::filesystem::path relative = file.lexically_relative(root);
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return std::nullopt;
  return relative;
}

// Whether lexically_normal() leaves `path` as it is: absolute, no empty component inside, no
// "." or "..", no trailing slash. Such paths are compared as strings: building a
// std::filesystem::path per file cost more than the rest of the report's path work.
bool plain_absolute(std::string_view path) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/') return false;
  for (size_t start = 1; start < path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// inside() for plainly normal absolute paths: the rest of `file` after `root` and a slash.
std::optional<std::string> plain_inside(std::string_view file, std::string_view root) {
  if (file.size() <= root.size() + 1 || file.compare(0, root.size(), root) != 0 ||
      file[root.size()] != '/') {
    return std::nullopt;
  }
  return std::string(file.substr(root.size() + 1));
}

// `folder` + "/" + `name`, as fs::path's operator/ joins them.
std::string joined(const std::string& folder, std::string_view name) {
  return folder.empty() || folder.back() == '/' ? folder + std::string(name)
                                                : folder + "/" + std::string(name);
}

// weakly_canonical(folder), resolved once per run. A plainly normal folder that is no link is
// its parent's resolution and its name (one lstat, none for a folder in run.not_links; the
// parent's answer shared by its folders), rather than a readlink per component.
std::string real_folder(const Run& run, const std::string& folder, std::error_code& error) {
  auto found = run.real_folders.find(folder);
  if (found != run.real_folders.end()) return found->second;
  std::string real;
  struct stat own {};
  size_t slash = folder.rfind('/');
  // A folder that the walk listed is no link; another is asked.
  if (plain_absolute(folder) && (run.not_links.count(folder) > 0 ||
                                 (::lstat(folder.c_str(), &own) == 0 && S_ISDIR(own.st_mode)))) {
    std::string parent = slash == 0 ? std::string("/") : folder.substr(0, slash);
    std::string real_parent = parent == "/" ? parent : real_folder(run, parent, error);
    if (error) return {};
    real = joined(real_parent, std::string_view(folder).substr(slash + 1));
  } else {
    real = std::filesystem::weakly_canonical(folder, error).string();
    if (error) return {};
  }
  run.real_folders.emplace(folder, real);
  return real;
}

// weakly_canonical(file), through its folder's resolution: the file itself is resolved only
// when it is a symbolic link. `given`: the file's path as reported (run.not_links).
std::filesystem::path real_path(const Run& run, const std::filesystem::path& file,
                                std::string_view given, std::error_code& error) {
  namespace fs = std::filesystem;
  std::error_code link_error;
  bool link = false;
  if (run.not_links.count(std::string(given)) == 0) {
    fs::file_status status = fs::symlink_status(file, link_error);
    link = link_error || fs::is_symlink(status);
  }
  if (!file.has_parent_path() || !file.has_filename() || link)
    return fs::weakly_canonical(file, error);
  std::string folder = real_folder(run, file.parent_path().string(), error);
  return error ? fs::path() : fs::path(folder) / file.filename();
}

// artifact_path for a plainly normal absolute path and root, on strings; the same answers.
ArtifactPath plain_artifact_path(const Run& run, const std::string& absolute) {
  if (std::optional<std::string> relative = plain_inside(absolute, run.root)) {
    return {std::move(*relative), true};
  }
  // Another spelling of the same place (a symbolic link in the path or the root): compare
  // where both lead. The file itself is resolved only when it is a link.
  std::error_code file_error, root_error;
  std::string real_file;
  struct stat own {};
  bool link = run.not_links.count(absolute) == 0 &&
              (::lstat(absolute.c_str(), &own) != 0 || S_ISLNK(own.st_mode));
  if (link) {
    real_file = std::filesystem::weakly_canonical(absolute, file_error).string();
  } else {
    size_t slash = absolute.rfind('/');
    std::string folder =
        slash == 0 ? std::string("/") : real_folder(run, absolute.substr(0, slash), file_error);
    real_file = joined(folder, std::string_view(absolute).substr(slash + 1));
  }
  std::string real_root = real_folder(run, run.root, root_error);
  if (!file_error && !root_error && plain_absolute(real_file) && plain_absolute(real_root)) {
    if (std::optional<std::string> relative = plain_inside(real_file, real_root)) {
      return {std::move(*relative), true};
    }
  } else if (!file_error && !root_error) {
    std::optional<std::filesystem::path> relative = inside(real_file, real_root);
    if (relative) return {relative->generic_string(), true};
  }
  return {absolute, false};
}

}  // namespace

ArtifactPath artifact_path(const Run& run, std::string_view path) {
  namespace fs = std::filesystem;
  if (run.root.empty()) return {display_path(path), true};
  if (plain_absolute(path) && plain_absolute(run.root)) {
    return plain_artifact_path(run, std::string(path));
  }
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(path), error).lexically_normal();
  if (error) return {display_path(path), false};
  fs::path root(run.root);
  std::optional<fs::path> relative = inside(absolute, root);
  if (!relative) {
    // Another spelling of the same place (a symbolic link in the path or the root): compare
    // where both lead.
    std::error_code file_error, root_error;
    fs::path real_file = real_path(run, absolute, path, file_error);
    fs::path real_root = real_folder(run, root.string(), root_error);
    if (!file_error && !root_error) relative = inside(real_file, real_root);
  }
  if (relative) return {relative->generic_string(), true};
  return {absolute.generic_string(), false};
}

std::string uri_reference(std::string_view path) {
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

std::string file_uri(std::string_view absolute_path) {
  std::string uri = uri_reference(absolute_path);
  // file:///C:/x on Windows, file:///x elsewhere: the path always starts with a slash.
  return uri.rfind('/', 0) == 0 ? "file://" + uri : "file:///" + uri;
}

std::vector<std::string> fingerprints(const Run& run, const rules::FileResult& file) {
  if (file.findings.empty()) return {};  // most files: no need to find the path
  std::string path = artifact_path(run, file.source->path()).path;
  std::vector<std::string> out;
  out.reserve(file.findings.size());
  std::unordered_map<uint64_t, size_t> seen;  // identity → how many findings had it so far
  seen.reserve(file.findings.size());
  std::string scratch;  // a message with line numbers, rewritten
  for (const rules::Finding& finding : file.findings) {
    Fnv1a hash;
    hash.mix(finding.rule->id);
    hash.mix(path);
    hash.mix(finding.path);
    hash.mix(without_line_numbers(finding.message, scratch));
    size_t repeat = ++seen[hash.value()];
    if (repeat > 1) hash.mix(std::to_string(repeat));
    // 16 lower-case hex digits, as "%016llx" writes them, without a format string to parse.
    std::string& digits = out.emplace_back(16, '0');
    for (size_t k = 0, value = hash.value(); k < 16; ++k, value >>= 4) {
      digits[15 - k] = "0123456789abcdef"[value & 15];
    }
  }
  return out;
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
