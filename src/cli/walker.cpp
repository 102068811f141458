#include "cli/walker.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "cli/files.h"
#include "load/source.h"

namespace stacklint::cli {

namespace fs = std::filesystem;

std::string printable_path(const std::string& path) {
  std::string out;
  std::string_view rest = path;
  // Each byte that is not UTF-8 becomes U+FFFD, as terminals and editors show it.
  for (size_t bad; (bad = load::find_invalid_utf8(rest)) != std::string_view::npos;) {
    out.append(rest.substr(0, bad));
    out.append("\xEF\xBF\xBD");
    rest.remove_prefix(bad + 1);
  }
  out.append(rest);
  return out;
}

bool is_template_file_name(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json") || ends_with(".template");
}

namespace {

bool excluded(const fs::path& path, const std::vector<std::string>& excludes) {
  std::string name = path.filename().string();
  return std::find(excludes.begin(), excludes.end(), name) != excludes.end();
}

// Walks with an explicit stack: no recursion to overflow on deep trees, and every folder that
// cannot be read is reported instead of silently skipped. Links to folders are not followed,
// so a link loop cannot trap the walk.
void walk_folder(const std::string& root, const std::vector<std::string>& excludes,
                 WalkResult& result) {
  std::vector<std::string> found;
  std::vector<std::pair<std::string, std::string>> problems;
  std::vector<fs::path> pending{root};
  while (!pending.empty()) {
    fs::path folder = std::move(pending.back());
    pending.pop_back();
    std::error_code error;
    fs::directory_iterator it(folder, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
      const fs::directory_entry& entry = *it;
      std::error_code status_error;
      fs::file_status own = entry.symlink_status(status_error);
      if (fs::is_directory(own)) {
        if (!excluded(entry.path(), excludes)) pending.push_back(entry.path());
        continue;
      }
      std::string path = entry.path().string();
      if (!is_template_file_name(entry.path().filename().string())) continue;
      // Reports are UTF-8 (JSON, SARIF): a name that is not cannot be reported as it is.
      if (load::find_invalid_utf8(path) != std::string::npos) {
        problems.emplace_back(printable_path(path), "skipped: the file name is not valid UTF-8");
        continue;
      }
      fs::file_status target = entry.status(status_error);
      if (status_error) {  // a dangling link, a link loop, ...
        problems.emplace_back(path, "skipped: " + status_error.message());
        continue;
      }
      if (fs::is_regular_file(target)) found.push_back(std::move(path));
    }
    if (error) {
      problems.emplace_back(printable_path(folder.string()),
                            "cannot read folder: " + error.message());
      // A folder named on the command line that cannot be read: nothing of it was linted.
      if (folder == fs::path(root)) result.missing_named_path = true;
    }
  }
  // Sorted, like the files: the order of a folder listing is the file system's.
  std::sort(problems.begin(), problems.end());
  for (auto& problem : problems) result.problems.push_back(std::move(problem));
  std::sort(found.begin(), found.end());
  for (std::string& path : found) result.inputs.push_back({std::move(path), true});
}

}  // namespace

WalkResult find_inputs(const std::vector<std::string>& paths,
                       const std::vector<std::string>& excludes) {
  WalkResult result;
  for (const std::string& path : paths) {
    if (path == "-") {
      result.inputs.push_back({path, false});
      continue;
    }
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      result.problems.emplace_back(printable_path(path),
                                   error && error != std::errc::no_such_file_or_directory
                                       ? "cannot read: " + error.message()
                                       : "no such file or folder");
      result.missing_named_path = true;
      continue;
    }
    if (fs::is_directory(status)) {
      walk_folder(path, excludes, result);
    } else {
      result.inputs.push_back({path, false});
    }
  }
  // The same file under several names (./a.yaml, a.yaml, a hard link, a link) is linted once,
  // under the first name it was given.
  std::set<FileId> seen;
  std::erase_if(result.inputs, [&](const Input& input) {
    std::optional<FileId> id = input.path == "-" ? std::nullopt : identity_of(input.path);
    return id && !seen.insert(*id).second;
  });
  return result;
}

}  // namespace stacklint::cli
