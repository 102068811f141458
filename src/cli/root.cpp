#include "cli/root.h"

namespace stacklint::cli {

std::filesystem::path report_root(const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path here = fs::current_path(error);
  if (error) {
    // The working folder is gone: an absolute --root still works, else paths stay as typed.
    fs::path root(given);
    return root.is_absolute() ? root.lexically_normal() : fs::path();
  }
  if (!given.empty()) return (here / given).lexically_normal();
  // Upward from the working folder: one step per path component, so linear in its depth.
  for (fs::path folder = here;; folder = folder.parent_path()) {
    if (fs::exists(folder / ".git", error)) return folder.lexically_normal();
    if (folder == folder.parent_path()) break;
  }
  return here.lexically_normal();
}

}  // namespace stacklint::cli
