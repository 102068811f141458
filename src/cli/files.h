// Every file stacklint reads or writes goes through here: reads are bounded and never block on
// a FIFO or a device, and writes never replace an input, never follow a planted link and never
// leave half a report behind.
#pragma once

#include <sys/types.h>

#include <compare>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

namespace stacklint::cli {

// A file's identity (device and inode): the same for every name of it, hard links and symbolic
// links included.
struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  friend auto operator<=>(const FileId&, const FileId&) = default;
};

// The identity of the file `path` names (following links), or nothing when there is none.
std::optional<FileId> identity_of(const std::string& path);

// A write target as it will be once written, so that two targets can be told apart before
// either exists: an existing file's identity (name empty), or, for a name with nothing there yet,
// the identity of its folder and its name. A link to nothing counts as the name it points at,
// since writing through it would create that file.
struct TargetKey {
  FileId file;
  std::string name;
  friend auto operator<=>(const TargetKey&, const TargetKey&) = default;
};

// The key of `path` as a write target, or nothing when it cannot be worked out (its folder does
// not exist, a link loop): the caller then compares the names.
std::optional<TargetKey> write_target_key(const std::string& path);

struct ReadResult {
  std::string bytes;
  size_t full_size = 0;      // the file's size when it is larger than the limit
  std::string error;         // empty when the read worked
  std::optional<FileId> id;  // the identity of the file read (not for standard input)
};

// Reads at most limit + 1 bytes from `fd`, so that an endless stream is never read whole. A
// regular file larger than `limit` is not read beyond its first line (kept for the report),
// and `full_size` says how large it is; one of at most `limit` bytes is read as far as its size
// when fstat said it (what is appended after that is not read).
ReadResult read_bounded(int fd, size_t limit);

// Opens and reads `path` with read_bounded. Only regular files are read: a FIFO, a device or a
// socket is refused without waiting for it (opened non-blocking, checked before reading).
// `seen`: the file was found a moment ago (in a folder walk), so a missing one "vanished"; a
// name given by the user that is missing is "no such file". `listed`: the walk's listing (or
// a stat of the link) said a moment ago that it is a regular file; it is not asked again before
// opening.
ReadResult read_file(const std::string& path, size_t limit, bool seen = false, bool listed = false);

// Reads a whole settings file (configuration, baseline, rule file, graph input): like
// read_file, and a file larger than `limit` is an error that gives both sizes. `what` names the
// file in messages ("the configuration file").
bool read_whole_file(const std::string& path, size_t limit, const std::string& what,
                     std::string& bytes, std::string& error, std::set<FileId>* inputs = nullptr);

// Writes `content` to `path` whole or not at all:
// - a regular file (or a link to one) is replaced by renaming a temporary file created
//   exclusively (O_EXCL|O_NOFOLLOW, a random name) in the target's own folder, keeping its mode;
// - a character device or a FIFO (/dev/stdout, /dev/null, a pipe) is written in place, never
//   replaced; a FIFO without a reader, a block device, a socket, a folder or a dangling link is
//   refused.
// Returns false with the reason in `error`.
bool write_file(const std::string& path, std::string_view content, std::string& error);

// The same for what `write` writes to its stream, which goes to the file through a buffer of
// bounded size as it is written (a report is never held whole). The file is opened before
// `write` runs; when it throws, nothing is left of the write (no temporary file).
bool write_file(const std::string& path, const std::function<void(std::ostream&)>& write,
                std::string& error);

// Writes all of `content` to `fd`, retrying short writes; false with errno set on failure.
bool write_all(int fd, std::string_view content);

// Makes standard input, output and error safe to use when the caller closed them: each closed
// one is held by /dev/null opened the wrong way round for it, so that a write to a closed
// standard output fails (it is reported, exit 2) instead of landing in a file opened later.
// Also ignores SIGPIPE, so that a closed pipe is a write error rather than a silent death.
void guard_standard_streams();

// Flushes standard output (std::cout and stdio). False, with the reason in `error`, when
// anything written to it since the start was lost (a full disk, a closed pipe).
bool flush_stdout(std::string& error);

// Writes "stacklint: MESSAGE" on standard error, with what report::printable replaces replaced:
// messages quote paths, settings and rule files from the repository being linted.
void complain(std::string_view message);

// Writes a text of several lines on standard error as it is, except for what report::printable
// replaces in each line (no "stacklint: " prefix: for usage messages).
void complain_lines(std::string_view text);

// The text of errno, e.g. "No space left on device".
std::string errno_message(int error);

}  // namespace stacklint::cli
