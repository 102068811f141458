#include "cli/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "cli/files.h"
#include "load/source.h"

// glibc 2.30 and later declare getdents64 (with _GNU_SOURCE, which g++ defines).
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
#define STACKLINT_GETDENTS64 1
#else
#define STACKLINT_GETDENTS64 0
#endif

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

bool is_plainly_normal(std::string_view path) {
  if (path.empty()) return false;
  for (size_t start = path[0] == '/' ? 1 : 0; start < path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string lexically_normal(const std::string& path) {
  return is_plainly_normal(path) ? path : fs::path(path).lexically_normal().string();
}

bool is_template_file_name(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json") || ends_with(".template");
}

std::set<std::string> git_ignored(const std::string& folder,
                                  const std::vector<std::string>& files) {
  std::set<std::string> ignored;
  if (files.empty()) return ignored;
  // The paths go to git through a temporary file, not a pipe: git reads all of its input while
  // stacklint reads all of its output, so neither can wait on the other.
  char input_name[] = "/tmp/stacklint-check-ignore-XXXXXX";
  int input = mkstemp(input_name);
  if (input < 0) return ignored;
  unlink(input_name);
  std::string list;
  std::map<std::string, const std::string*> asked;  // as git is asked → as found
  for (const std::string& file : files) {
    std::string relative = fs::path(file).lexically_relative(folder).string();
    if (relative.empty()) continue;
    list += relative;
    list += '\0';
    asked.emplace(std::move(relative), &file);
  }
  bool written = true;
  for (size_t done = 0; written && done < list.size();) {
    ssize_t n = write(input, list.data() + done, list.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
  }
  int output[2];
  if (!written || lseek(input, 0, SEEK_SET) != 0 || pipe(output) != 0) {
    close(input);
    return ignored;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, output[0]);
  // No pager, no prompt, no optional lock on the index: git never waits on anyone.
  std::vector<std::string> environment{"GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0",
                                       "GIT_PAGER=cat", "PAGER=cat"};
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry = *e;
    if (entry.rfind("GIT_OPTIONAL_LOCKS=", 0) != 0 && entry.rfind("GIT_TERMINAL_PROMPT=", 0) != 0 &&
        entry.rfind("GIT_PAGER=", 0) != 0 && entry.rfind("PAGER=", 0) != 0) {
      environment.emplace_back(entry);
    }
  }
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string directory = folder;
  std::vector<std::string> args{"git", "-C", directory, "check-ignore", "--stdin", "-z"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t child = -1;
  int spawned = posix_spawnp(&child, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(input);
  close(output[1]);
  if (spawned != 0) {  // no git: no .gitignore handling
    close(output[0]);
    return ignored;
  }
  // Bounded: a git that has not answered within the limit is killed, and nothing is ignored.
  constexpr int kLimitMs = 30000;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLimitMs);
  std::string answer;
  bool timed_out = false;
  for (;;) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd ready{output[0], POLLIN, 0};
    int polled = poll(&ready, 1, left);
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) continue;
    char buffer[65536];
    ssize_t n = read(output[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
  }
  close(output[0]);
  if (timed_out) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  // 0: some paths are ignored; 1: none; anything else (128: not a work tree) tells nothing.
  if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return ignored;
  for (size_t start = 0; start < answer.size();) {
    size_t end = answer.find('\0', start);
    if (end == std::string::npos) break;
    auto found = asked.find(answer.substr(start, end - start));
    if (found != asked.end()) ignored.insert(*found->second);
    start = end + 1;
  }
  return ignored;
}

namespace {

bool excluded(std::string_view name, const std::vector<std::string>& excludes) {
  return std::find(excludes.begin(), excludes.end(), name) != excludes.end();
}

// `folder` + "/" + `name`, as fs::path's operator/ joins them ("dir/" + "x" is "dir/x").
std::string child_path(const std::string& folder, std::string_view name) {
  std::string path;
  path.reserve(folder.size() + 1 + name.size());
  path += folder;
  if (!folder.empty() && folder.back() != '/') path += '/';
  path += name;
  return path;
}

// A folder's entries, with the type its listing gives (d_type). Read with getdents64 into a
// buffer of the caller's where glibc has it (2.30): opendir would also fstat each folder and
// allocate a buffer for it, which the walk does not need. The same entries as readdir gives.
class FolderEntries {
 public:
  static constexpr size_t kBufferSize = 32 * 1024;  // readdir's

  explicit FolderEntries(char* buffer) : buffer_(buffer) {}
  FolderEntries(const FolderEntries&) = delete;
  FolderEntries& operator=(const FolderEntries&) = delete;
  ~FolderEntries() { close(); }

  // Opens `folder` as opendir does: 0, or what went wrong (errno).
  int open(const std::string& folder) {
#if STACKLINT_GETDENTS64
    fd_ = ::open(folder.c_str(), O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC);
    return fd_ < 0 ? errno : 0;
#else
    dir_ = ::opendir(folder.c_str());
    return dir_ == nullptr ? errno : 0;
#endif
  }

  // The next entry's name and type: false at the end, or when the listing failed (`error` then
  // says why, else 0). "." and ".." come as any entry.
  bool next(std::string_view& name, unsigned char& type, int& error) {
    error = 0;
#if STACKLINT_GETDENTS64
    for (;;) {
      if (offset_ == size_) {
        ssize_t n = ::getdents64(fd_, buffer_, kBufferSize);
        // A folder removed while it is read ends, as readdir has it (POSIX: not an error).
        if (n < 0 && errno != ENOENT) error = errno;
        if (n <= 0) return false;
        offset_ = 0;
        size_ = static_cast<size_t>(n);
      }
      // The record's fields by their offsets (the kernel's struct linux_dirent64, glibc's
      // dirent64), copied out rather than cast: the buffer holds bytes.
      const char* record = buffer_ + offset_;
      uint64_t inode;
      unsigned short length;
      std::memcpy(&inode, record + offsetof(struct dirent64, d_ino), sizeof inode);
      std::memcpy(&length, record + offsetof(struct dirent64, d_reclen), sizeof length);
      offset_ += length;
      if (inode == 0) continue;  // a deleted entry, which readdir skips too
      type = static_cast<unsigned char>(record[offsetof(struct dirent64, d_type)]);
      name = record + offsetof(struct dirent64, d_name);
      return true;
    }
#else
    errno = 0;
    const dirent* entry = ::readdir(dir_);
    if (entry == nullptr) {
      error = errno;
      return false;
    }
    name = entry->d_name;
    type = entry->d_type;
    return true;
#endif
  }

 private:
  void close() {
#if STACKLINT_GETDENTS64
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
#else
    if (dir_ != nullptr) ::closedir(dir_);
    dir_ = nullptr;
#endif
  }
  char* buffer_;
#if STACKLINT_GETDENTS64
  int fd_ = -1;
  size_t offset_ = 0, size_ = 0;
#else
  DIR* dir_ = nullptr;
#endif
};

// Walks with an explicit stack: no recursion to overflow on deep trees, and every folder that
// cannot be read is reported instead of silently skipped. Links to folders are not followed,
// so a link loop cannot trap the walk. The files found go to `inputs`, the problems to `result`.
// Read with plain strings: the entry's type comes with its name (d_type), so a regular file or
// a folder costs no system call, and no std::filesystem::path is built.
void walk_folder(const std::string& root, const std::vector<std::string>& excludes,
                 std::vector<Input>& inputs, WalkResult& result) {
  std::vector<std::pair<std::string, bool>> found;  // (path, listed as a regular file)
  std::vector<std::pair<std::string, std::string>> problems;
  std::vector<std::string> pending{root};
  auto buffer = std::make_unique<char[]>(FolderEntries::kBufferSize);
  while (!pending.empty()) {
    std::string folder = std::move(pending.back());
    pending.pop_back();
    FolderEntries entries(buffer.get());
    int error = entries.open(folder);
    std::string_view name;
    unsigned char type = DT_UNKNOWN;
    while (error == 0 && entries.next(name, type, error)) {
      if (name == "." || name == "..") continue;
      std::string path = child_path(folder, name);
      // The entry's own type as the folder listing gave it (d_type), asked of the file system
      // only when the listing did not say; a link is not followed here.
      struct stat info {};
      if (type == DT_UNKNOWN && ::lstat(path.c_str(), &info) == 0) type = IFTODT(info.st_mode);
      if (type == DT_DIR) {
        if (!excluded(name, excludes)) {
          result.folders.push_back(path);
          pending.push_back(std::move(path));
        }
        continue;
      }
      if (!is_template_file_name(name)) continue;
      // Reports are UTF-8 (JSON, SARIF): a name that is not cannot be reported as it is.
      if (load::find_invalid_utf8(path) != std::string::npos) {
        problems.emplace_back(printable_path(path), "skipped: the file name is not valid UTF-8");
        continue;
      }
      // What a link leads to is asked (followed); another entry's type is the listing's.
      bool regular = type == DT_REG;
      if (type == DT_LNK || type == DT_UNKNOWN) {
        if (::stat(path.c_str(), &info) != 0) {  // a dangling link, a link loop, ...
          problems.emplace_back(path, "skipped: " + errno_message(errno));
          continue;
        }
        if (S_ISREG(info.st_mode)) found.emplace_back(std::move(path), false);
        continue;
      }
      if (regular) found.emplace_back(std::move(path), true);
    }
    if (error != 0) {
      problems.emplace_back(printable_path(folder), "cannot read folder: " + errno_message(error));
      // A folder named on the command line that cannot be read: nothing of it was linted.
      if (folder == root) result.missing_named_path = true;
    }
  }
  // Sorted, like the files: the order of a folder listing is the file system's.
  std::sort(problems.begin(), problems.end());
  for (auto& problem : problems) result.problems.push_back(std::move(problem));
  std::sort(found.begin(), found.end());
  for (auto& [path, regular] : found) inputs.push_back({std::move(path), true, regular});
}

// Where git would look for the work tree of a folder: the nearest folder holding a `.git` (a
// folder, or a file as worktrees and submodules have), from the folder's physical path up, as
// git's own discovery goes.
struct WorkTree {
  enum class Kind { None, Found, Unknown } kind = Kind::Unknown;
  fs::path root;    // Found: the work tree's root (physical)
  fs::path folder;  // Found: the folder's physical path
};

WorkTree work_tree_of(const std::string& folder) {
  WorkTree tree;
  // Told where the repository is, git may find one without a `.git` above: asked as it is.
  if (std::getenv("GIT_DIR") != nullptr || std::getenv("GIT_WORK_TREE") != nullptr) return tree;
  std::error_code error;
  fs::path physical = fs::canonical(folder, error);
  if (error) return tree;
  for (fs::path at = physical;; at = at.parent_path()) {
    struct stat info {};
    if (::stat((at / ".git").c_str(), &info) == 0) {
      tree.kind = WorkTree::Kind::Found;
      tree.root = at;
      tree.folder = physical;
      return tree;
    }
    // Anything but "nothing there" (a folder that cannot be searched): git decides.
    if (errno != ENOENT && errno != ENOTDIR) return tree;
    if (at == at.parent_path()) break;
  }
  tree.kind = WorkTree::Kind::None;
  return tree;
}

// Leaves out of the walked folders' files those git ignores: git is asked once per work tree
// (however many folders of it were named), and never for a folder in no work tree.
void drop_ignored(const std::vector<std::pair<std::string, std::vector<Input>*>>& walked) {
  std::map<fs::path, std::vector<size_t>> by_tree;  // work tree root → walked folders in it
  std::vector<WorkTree> trees;
  for (size_t i = 0; i < walked.size(); ++i) {
    trees.push_back(work_tree_of(walked[i].first));
    if (trees[i].kind == WorkTree::Kind::Found) by_tree[trees[i].root].push_back(i);
  }
  auto drop = [](std::vector<Input>& inputs, const std::vector<std::string>& asked,
                 const std::set<std::string>& ignored) {
    std::vector<Input> kept;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (ignored.count(asked[i]) == 0) kept.push_back(std::move(inputs[i]));
    }
    inputs = std::move(kept);
  };
  for (size_t i = 0; i < walked.size(); ++i) {
    if (trees[i].kind != WorkTree::Kind::Unknown) continue;
    std::vector<std::string> files;
    for (const Input& input : *walked[i].second) files.push_back(input.path);
    drop(*walked[i].second, files, git_ignored(walked[i].first, files));
  }
  for (const auto& [root, folders] : by_tree) {
    // Each file by its physical folder's path and its path below the folder, as git -C FOLDER
    // would have read it.
    std::vector<std::vector<std::string>> asked(folders.size());
    std::vector<std::string> all;
    for (size_t k = 0; k < folders.size(); ++k) {
      size_t i = folders[k];
      for (const Input& input : *walked[i].second) {
        std::string below = fs::path(input.path).lexically_relative(walked[i].first).string();
        asked[k].push_back((trees[i].folder / below).lexically_normal().string());
        all.push_back(asked[k].back());
      }
    }
    std::set<std::string> ignored = git_ignored(root.string(), all);
    for (size_t k = 0; k < folders.size(); ++k) drop(*walked[folders[k]].second, asked[k], ignored);
  }
}

}  // namespace

WalkResult find_inputs(const std::vector<std::string>& paths,
                       const std::vector<std::string>& excludes, bool gitignore) {
  WalkResult result;
  // Each path's inputs, in order; the folders' files are filtered by git once all are walked.
  std::vector<std::vector<Input>> parts(paths.size());
  std::vector<std::pair<std::string, std::vector<Input>*>> walked;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    if (path == "-") {
      parts[i].push_back({path, false});
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
      walk_folder(path, excludes, parts[i], result);
      if (!parts[i].empty()) walked.emplace_back(path, &parts[i]);
    } else {
      parts[i].push_back({path, false});
    }
  }
  if (gitignore) drop_ignored(walked);
  for (std::vector<Input>& part : parts) {
    for (Input& input : part) result.inputs.push_back(std::move(input));
  }
  return result;
}

void drop_later_names(std::vector<Input>& inputs) {
  std::set<FileId> seen;
  std::erase_if(inputs, [&](const Input& input) {
    std::optional<FileId> id = input.path == "-" ? std::nullopt : identity_of(input.path);
    return id && !seen.insert(*id).second;
  });
}

}  // namespace stacklint::cli
