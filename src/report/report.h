// report: findings → text, json, sarif, ... The last stage; it reads results, never templates.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rules/catalog.h"
#include "rules/engine.h"

namespace stacklint::report {

// A message about the run itself rather than a template (a path that could not be read, ...).
struct Notice {
  std::string path;
  std::string message;
};

struct Run {
  const rules::Catalog* catalog = nullptr;
  std::vector<rules::FileResult> files;  // in the order of their paths
  std::vector<Notice> notices;
  bool color = false;
  bool quiet = false;    // text: the findings only, without the summary line
  size_t baselined = 0;  // findings left out because the baseline already records them
  // The folder that CI reports' paths are relative to (absolute, lexically normal): the
  // repository root or --root. Empty: paths as typed.
  std::string root;
  // The root and the folders of reported files with their symbolic links resolved, filled as
  // reports need them (a folder holds many files: each is resolved once). Reports are written
  // by one thread.
  mutable std::unordered_map<std::string, std::string> real_folders;
  // Paths that are known to be no symbolic link: regular files and folders that a folder walk
  // listed as such (d_type), spelled as the reported files' paths and their folders. Resolving
  // them, artifact_path does not ask the file system whether they are links. Empty: it asks.
  std::unordered_set<std::string> not_links;
  // False: suppressed findings are left out of every report (--no-suppressed), not only marked.
  bool include_suppressed = true;
};

struct Counts {
  size_t files = 0, findings = 0, errors = 0, warnings = 0, infos = 0, suppressed = 0;
};
Counts count(const Run& run);

void write_text(const Run& run, std::ostream& out);
void write_json(const Run& run, std::ostream& out);
void write_sarif(const Run& run, std::ostream& out);
void write_concise(const Run& run, std::ostream& out);
void write_github(const Run& run, std::ostream& out);
void write_gitlab(const Run& run, std::ostream& out);
void write_junit(const Run& run, std::ostream& out);

// A writer per format name; nullptr for an unknown name.
using Writer = void (*)(const Run&, std::ostream&);
Writer find_writer(std::string_view format);
std::vector<std::string_view> format_names();

// Whether a format's writer reads the linted files' text (FileResult::source) beyond their
// paths. Only the text format does: it shows the line each finding starts on (its snippet),
// which a run can keep with SnippetLines when it releases the rest of a file's text.
bool reads_file_text(std::string_view format);

// The lines of a file's text that the text report shows, kept when the rest is released: the
// line each finding starts on. source() gives them as a Source with every line at its number
// (the others empty), from which the report writes the same bytes as from the whole file.
class SnippetLines {
 public:
  // Keeps, from `source`, the line each of `findings` starts on (the findings are in `source`'s
  // file; `source` may itself hold only some lines, those of these findings).
  void keep(const load::Source& source, const std::vector<rules::Finding>& findings);
  // A Source named `path` that holds the kept lines; the lines are given up.
  std::shared_ptr<const load::Source> source(std::string path);

 private:
  std::map<uint32_t, std::string> lines_;  // by line number (1-based)
};

// Path as shown in reports and SARIF uris: relative, forward slashes, no leading "./".
std::string display_path(std::string_view path);
// "error", "warning" or "note", as compilers print them.
// A format's own word for each severity: {for errors, for warnings, for infos}.
struct SeverityWords {
  const char* error;
  const char* warning;
  const char* info;
};
constexpr const char* word_for(rules::Severity severity, const SeverityWords& words) {
  switch (severity) {
    case rules::Severity::Error:
      return words.error;
    case rules::Severity::Warning:
      return words.warning;
    case rules::Severity::Info:
      return words.info;
  }
  return words.info;
}
// Compilers' words (error, warning, note), which editors' problem matchers and SARIF share.
constexpr SeverityWords kCompilerWords{"error", "warning", "note"};
// Line breaks become spaces, for formats with one record per line.
std::string one_line(std::string_view text);
// The character that starts at text[i]: its length in bytes, and whether it must never reach a
// terminal or a log raw (C0 and C1 controls, DEL, bidirectional controls, U+2028/U+2029, the
// byte order mark, noncharacters such as U+FFFE and U+FFFF, and a byte that is not UTF-8).
struct CharAt {
  size_t length;
  bool unsafe;
};
CharAt char_at(std::string_view text, size_t i);
// Text for a terminal: each unsafe character (which could move the cursor, recolour the
// terminal, reorder the line or break it when a template carries it) becomes one '?', a tab a
// space; one character for one, so underlines stay aligned.
std::string printable(std::string_view text);
// Where a file is for CI tools and SARIF: relative to run.root with forward slashes when it is
// inside it (under_root), whatever the working folder or the spelling of the path (absolute,
// ./, ../, a symbolic link to the same place); otherwise absolute. With no root: as typed.
struct ArtifactPath {
  std::string path;
  bool under_root = true;
};
ArtifactPath artifact_path(const Run& run, std::string_view path);
// A file:// URI for an absolute path, percent-encoded ("/a b/" → "file:///a%20b/").
std::string file_uri(std::string_view absolute_path);
// A path as a URI reference: what is not allowed in a path segment percent-encoded.
std::string uri_reference(std::string_view path);
// Stable fingerprints of a file's findings, in their order (stacklintFindingHash/v2): 16 hex
// digits of FNV-1a over the rule id, the artifact path, the finding's path by names and its
// message without line numbers; the k-th repeat of one identity in the file also mixes k, so
// the values are distinct within a file. Lines and columns are not part of them.
std::vector<std::string> fingerprints(const Run& run, const rules::FileResult& file);
// The key of fingerprints() in SARIF's partialFingerprints.
constexpr std::string_view kFingerprintKey = "stacklintFindingHash/v2";

constexpr std::string_view kVersion = STACKLINT_VERSION;

}  // namespace stacklint::report
