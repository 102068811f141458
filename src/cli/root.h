// The folder that CI reports' paths are relative to: --root, else the enclosing git work tree.
#pragma once

#include <filesystem>
#include <string>

namespace stacklint::cli {

// The absolute, lexically normal root for report paths: `given` (--root, relative to the working
// folder) when not empty; else the nearest folder at or above the working folder that holds a
// `.git` entry (a folder in a clone, a file in a git worktree or submodule), found without
// running git; else the working folder. Empty when the working folder is gone and `given` is
// not absolute (report paths then stay as typed).
std::filesystem::path report_root(const std::string& given);

}  // namespace stacklint::cli
