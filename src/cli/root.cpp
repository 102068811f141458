#include "cli/root.h"

namespace stacklint::cli {

std::filesystem::path report_root(const std::string& given) {
  namespace fs = std::filesystem;
  fs::path here = fs::current_path();
  if (!given.empty()) return fs::absolute(given).lexically_normal();
  // Upward from the working folder: one step per path component, so linear in its depth.
  for (fs::path folder = here;; folder = folder.parent_path()) {
    std::error_code error;
    if (fs::exists(folder / ".git", error)) return folder.lexically_normal();
    if (folder == folder.parent_path()) break;
  }
  return here.lexically_normal();
}

}  // namespace stacklint::cli
