#include "cli/walker.h"

#include <algorithm>
#include <filesystem>

namespace stacklint::cli {

namespace fs = std::filesystem;

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

void walk_folder(const std::string& root, const std::vector<std::string>& excludes,
                 WalkResult& result) {
  std::vector<std::string> found;
  std::error_code error;
  // Symbolic links to folders are not followed, so a link loop cannot trap the walk.
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  if (error) {
    result.problems.emplace_back(root, "cannot read folder: " + error.message());
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      result.problems.emplace_back(it->path().string(), "cannot read: " + error.message());
      error.clear();
      continue;
    }
    const fs::directory_entry& entry = *it;
    std::error_code status_error;
    if (entry.is_directory(status_error)) {
      if (!entry.is_symlink(status_error) && excluded(entry.path(), excludes)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    std::string name = entry.path().filename().string();
    if (!is_template_file_name(name)) continue;
    if (!entry.is_regular_file(status_error)) continue;  // dangling links, sockets, ...
    found.push_back(entry.path().string());
  }
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
      result.problems.emplace_back(path, "no such file or folder");
      result.missing_named_path = true;
      continue;
    }
    if (fs::is_directory(status)) {
      walk_folder(path, excludes, result);
    } else {
      result.inputs.push_back({path, false});
    }
  }
  return result;
}

}  // namespace stacklint::cli
