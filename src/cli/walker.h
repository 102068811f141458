// Finds the templates to lint: named files, and *.yaml *.yml *.json *.template under folders.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace stacklint::cli {

struct Input {
  std::string path;        // as given, or as found under a folder
  bool from_walk = false;  // found in a folder, not named on the command line
  // Found in a folder that listed it as a regular file (d_type, or an lstat): no link.
  bool listed_regular = false;
};

struct WalkResult {
  std::vector<Input> inputs;                                  // files in a stable order
  std::vector<std::pair<std::string, std::string>> problems;  // (path, what went wrong)
  bool missing_named_path =
      false;  // a named path does not exist, or is a folder that cannot be read
  // The folders found below the named ones (listed as folders: no links), spelled as the paths
  // of the files in them, in no particular order.
  std::vector<std::string> folders;
};

// Folders named in `excludes` (e.g. "node_modules", "cdk.out") are not entered. A file named
// several ways (or found twice) is listed under each name: lint_inputs lints it once, under the
// first, as it reads it (see drop_later_names). With `gitignore`, files found in a folder that
// git ignores (.gitignore, .git/info/exclude, the global excludes file) are left out; git itself
// decides (see git_ignored). Files named on the command line are never left out.
WalkResult find_inputs(const std::vector<std::string>& paths,
                       const std::vector<std::string>& excludes, bool gitignore = false);

// Leaves out each input that names the same file (by identity: ./a.yaml, a.yaml, a hard link, a
// link) as an input before it, asking the file system for each one's identity (a stat each).
// For a caller that drops inputs before linting them (excludes): a later name of a dropped file
// is dropped with it, as lint_inputs would have left it out behind the first.
void drop_later_names(std::vector<Input>& inputs);

// Which of `files` (paths below `folder`) git ignores, asked of `git check-ignore` run in
// `folder`. Empty when `folder` is in no git work tree, git is not installed, or git fails or
// takes longer than a bound: then nothing is ignored. Tracked files are never ignored.
std::set<std::string> git_ignored(const std::string& folder, const std::vector<std::string>& files);

// Whether a file name is one a folder walk lints: *.yaml, *.yml, *.json, *.template.
bool is_template_file_name(std::string_view name);

// The path with each byte that is not UTF-8 replaced, for messages.
std::string printable_path(const std::string& path);

// Whether std::filesystem's lexically_normal() gives `path` back unchanged, told without
// building a path: no empty component inside ("a//b"), no "." and no "..". Most paths are, and
// building one costs more than the rest of a file's bookkeeping. False for "".
bool is_plainly_normal(std::string_view path);

// fs::path(path).lexically_normal().string(), the path itself when it is plainly normal.
std::string lexically_normal(const std::string& path);

}  // namespace stacklint::cli
