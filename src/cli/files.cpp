#include "cli/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <streambuf>
#include <system_error>

#include "load/source.h"
#include "report/report.h"

namespace stacklint::cli {

namespace {

FileId id_of(const struct stat& info) {
  return {info.st_dev, info.st_ino};
}

// What a file that is not a regular file is, for messages.
const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string megabytes(uint64_t bytes) {
  uint64_t mb = bytes / (1024 * 1024);
  return mb > 0 ? std::to_string(mb) + " MB" : std::to_string(bytes) + " bytes";
}

// Closes a descriptor on every path out of a function.
struct Descriptor {
  int fd = -1;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  explicit Descriptor(int value) : fd(value) {}
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  // Closes now, reporting a failure (a write that only fails on close, as on NFS).
  bool close() {
    int value = fd;
    fd = -1;
    return ::close(value) == 0;
  }
};

// A descriptor as a stream, without stdio in between, through a buffer of bounded size: every
// write's error is kept (the first one), so that a full disk or a closed pipe is reported with
// its reason, whenever it happened. Standard output, and the files that reports stream to.
class OutputBuffer : public std::streambuf {
 public:
  explicit OutputBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    if (n <= epptr() - pptr()) {
      std::copy(text, text + n, pptr());
      pbump(static_cast<int>(n));
      return n;
    }
    if (!drain() || !send({text, static_cast<size_t>(n)})) return 0;
    return n;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool send(std::string_view text) {
    if (error_ != 0) return false;
    if (!write_all(fd_, text)) error_ = errno != 0 ? errno : EIO;
    return error_ == 0;
  }
  bool drain() {
    std::string_view pending(pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(buffer_, buffer_ + sizeof buffer_);
    return pending.empty() ? error_ == 0 : send(pending);
  }
  int fd_;
  int error_ = 0;
  char buffer_[1 << 16];
};

// Writes what `fill` writes to a descriptor; false with errno set when that failed.
using Fill = std::function<bool(int fd)>;

bool write_in_place(const std::string& path, const Fill& fill, std::string& error) {
  Descriptor out(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
  if (out.fd < 0) {
    error = errno == ENXIO ? "cannot write " + path + ": no process reads from it"
                           : "cannot write " + path + ": " + errno_message(errno);
    return false;
  }
  struct stat info {};
  if (fstat(out.fd, &info) != 0 || !(S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode))) {
    error = "cannot write " + path + ": it changed while stacklint was writing it";
    return false;
  }
  // Non-blocking was for opening a FIFO; the writes may wait for the reader.
  int flags = fcntl(out.fd, F_GETFL);
  if (flags >= 0) fcntl(out.fd, F_SETFL, flags & ~O_NONBLOCK);
  if (!fill(out.fd) || !out.close()) {
    error = "cannot write " + path + ": " + errno_message(errno);
    return false;
  }
  return true;
}

// A name nobody can guess: the target's name (shortened to stay within NAME_MAX), hidden, with
// 64 random bits, and an extension no folder walk picks up.
std::string temporary_name(const std::string& folder, const std::string& name) {
  static std::random_device random;
  std::uniform_int_distribution<uint64_t> bits;
  uint64_t value = bits(random);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(value));
  return folder + "/." + name.substr(0, 160) + "." + suffix + ".stacklint-tmp";
}

// The folder a path's last component is in, and that component: "a/b" is ("a", "b"), "b" is
// (".", "b"), "/b" is ("/", "b").
std::pair<std::string, std::string> split_path(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {path.substr(0, std::max<size_t>(slash, 1)), path.substr(slash + 1)};
}

bool replace_regular(const std::string& target, const struct stat* existing, const Fill& fill,
                     std::string& error) {
  auto [folder, name] = split_path(target);
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temporary = temporary_name(folder, name);
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    error = "cannot write " + target + ": " + errno_message(errno);
    return false;
  }
  Descriptor out(fd);
  bool ok = true;
  // A replaced file keeps its permissions; a new one gets 0666 less the umask, as any file.
  if (existing != nullptr) ok = fchmod(out.fd, existing->st_mode & 0777) == 0;
  try {
    ok = ok && fill(out.fd) && out.close() && std::rename(temporary.c_str(), target.c_str()) == 0;
  } catch (...) {  // the report could not be made (memory exhausted): no half of it is left
    ::unlink(temporary.c_str());
    throw;
  }
  if (!ok) {
    int saved = errno;
    ::unlink(temporary.c_str());
    error = "cannot write " + target + ": " + errno_message(saved);
    return false;
  }
  return true;
}

}  // namespace

void complain(std::string_view message) {
  std::cerr << "stacklint: " << report::printable(message) << "\n";
}

void complain_lines(std::string_view text) {
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::cerr << report::printable(text.substr(0, end)) << (end < text.size() ? "\n" : "");
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

std::string errno_message(int error) {
  return std::error_code(error, std::generic_category()).message();
}

std::optional<FileId> identity_of(const std::string& path) {
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) != 0) return std::nullopt;
  return id_of(info);
}

std::optional<TargetKey> write_target_key(const std::string& path) {
  std::string current = path;
  // As many links as the kernel follows (SYMLOOP_MAX on Linux is 40), then give up: a loop.
  for (int hops = 0; hops < 40 && !current.empty(); ++hops) {
    struct stat info {};
    if (::stat(current.c_str(), &info) == 0) return TargetKey{id_of(info), ""};
    auto [folder, name] = split_path(current);
    struct stat own {};
    if (::lstat(current.c_str(), &own) == 0 && S_ISLNK(own.st_mode)) {
      // A link to nothing: the file it would create is the one it names, from its own folder.
      std::string link(PATH_MAX, '\0');
      ssize_t n = ::readlink(current.c_str(), link.data(), link.size());
      if (n <= 0 || static_cast<size_t>(n) >= link.size()) return std::nullopt;
      link.resize(static_cast<size_t>(n));
      current = link[0] == '/' ? link : folder + "/" + link;
      continue;
    }
    // Nothing there: the folder (by identity, so "a/../r.json", "./r.json" and a linked folder
    // all meet) and the name. A name ending in "/", "." or ".." is not a file to create.
    if (name.empty() || name == "." || name == ".." || ::stat(folder.c_str(), &info) != 0 ||
        !S_ISDIR(info.st_mode)) {
      return std::nullopt;
    }
    return TargetKey{id_of(info), name};
  }
  return std::nullopt;
}

namespace {

// read_bounded, given what fstat says of `fd` (null: it failed).
ReadResult read_known(int fd, size_t limit, const struct stat* info) {
  ReadResult result;
  std::string& bytes = result.bytes;
  bool regular = info != nullptr && S_ISREG(info->st_mode);
  size_t size = regular ? static_cast<size_t>(info->st_size) : 0;
  size_t want = limit + 1;
  if (regular && size > limit) {
    result.full_size = size;
    want = 256;
  } else if (regular && size > 0) {
    // Done once the file's size is in, without a last read to see the end: a file's size only
    // understates its text in /proc, where it says 0 (read to the end, as a stream).
    want = size;
    bytes.reserve(size);
  }
  // Through a buffer on the stack: the kernel's copy into memory just allocated for the string
  // measured slower than its copy here and one more in user space.
  char buffer[1 << 16];
  while (bytes.size() < want) {
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, want - bytes.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result.error = "cannot read file: " + errno_message(errno);
      return result;
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  if (result.full_size != 0) {
    // Only the first line is kept, cut before anything that is not text.
    bytes.resize(std::min(
        {bytes.find('\n'), bytes.find('\0'), load::find_invalid_utf8(bytes), bytes.size()}));
  }
  return result;
}

}  // namespace

ReadResult read_bounded(int fd, size_t limit) {
  struct stat info {};
  return read_known(fd, limit, fstat(fd, &info) == 0 ? &info : nullptr);
}

ReadResult read_file(const std::string& path, size_t limit, bool seen, bool listed) {
  ReadResult result;
  // Refused before opening when possible: opening some devices has effects of its own. A file
  // the folder walk just listed as regular is not asked again (a stat per file): one that
  // changed since is opened without waiting and refused by the fstat below, as a file that
  // changes between this stat and the open would be.
  struct stat info {};
  bool existed = listed || ::stat(path.c_str(), &info) == 0;
  if (!listed && existed && !S_ISREG(info.st_mode)) {
    result.error = std::string("not a regular file (") + kind_of(info.st_mode) + ")";
    return result;
  }
  // Non-blocking: if a FIFO took the file's place since, opening it does not wait for a writer.
  Descriptor in(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (in.fd < 0) {
    // "Vanished" only when it was there a moment ago; a name that never was is "no such file".
    if (errno == ENOENT) {
      struct stat own {};
      bool link = !existed && ::lstat(path.c_str(), &own) == 0 && S_ISLNK(own.st_mode);
      result.error = existed || seen ? "file vanished before it could be read"
                     : link          ? "no such file (a link to nothing)"
                                     : "no such file";
    } else {
      result.error = "cannot open file: " + errno_message(errno);
    }
    return result;
  }
  if (fstat(in.fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    result.error = std::string("not a regular file (") + kind_of(info.st_mode) + ")";
    return result;
  }
  // One fstat: the type check above, the size and the identity.
  result = read_known(in.fd, limit, &info);
  result.id = id_of(info);
  return result;
}

bool read_whole_file(const std::string& path, size_t limit, const std::string& what,
                     std::string& bytes, std::string& error, std::set<FileId>* inputs) {
  ReadResult read = read_file(path, limit);
  if (read.id && inputs != nullptr) inputs->insert(*read.id);
  if (!read.error.empty()) {
    error = path + ": cannot read " + what + ": " + read.error;
    return false;
  }
  if (read.full_size != 0 || read.bytes.size() > limit) {
    error = path + ": " + what + " is larger than stacklint reads (" +
            (read.full_size != 0 ? megabytes(read.full_size) + "; " : std::string()) + "at most " +
            megabytes(limit) + ")";
    return false;
  }
  bytes = std::move(read.bytes);
  return true;
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {

bool write_file_with(const std::string& path, const Fill& fill, std::string& error) {
  struct stat own {};
  if (::lstat(path.c_str(), &own) != 0) {
    if (errno != ENOENT) {
      error = "cannot write " + path + ": " + errno_message(errno);
      return false;
    }
    return replace_regular(path, nullptr, fill, error);
  }
  struct stat target = own;
  std::string resolved = path;
  if (S_ISLNK(own.st_mode)) {
    if (::stat(path.c_str(), &target) != 0) {
      // Creating a file through a link to nothing would write wherever the link points.
      error = "cannot write " + path + ": it is a link to " +
              (errno == ENOENT ? std::string("nothing") : errno_message(errno));
      return false;
    }
    if (S_ISREG(target.st_mode)) {
      // The file the link names is replaced, in its own folder; the link stays a link.
      char* real = ::realpath(path.c_str(), nullptr);
      struct stat check {};
      if (real != nullptr) {
        resolved = real;
        std::free(real);
      }
      if (real == nullptr || ::stat(resolved.c_str(), &check) != 0 ||
          id_of(check) != id_of(target)) {
        error = "cannot write " + path + ": the file its link names cannot be found by name";
        return false;
      }
    }
  }
  if (S_ISREG(target.st_mode)) return replace_regular(resolved, &target, fill, error);
  if (S_ISCHR(target.st_mode) || S_ISFIFO(target.st_mode)) {
    return write_in_place(path, fill, error);
  }
  error = "cannot write " + path + ": it is " + kind_of(target.st_mode) +
          "; stacklint writes regular files, character devices and FIFOs";
  return false;
}

}  // namespace

bool write_file(const std::string& path, std::string_view content, std::string& error) {
  return write_file_with(
      path, [&](int fd) { return write_all(fd, content); }, error);
}

bool write_file(const std::string& path, const std::function<void(std::ostream&)>& write,
                std::string& error) {
  return write_file_with(
      path,
      [&](int fd) {
        // On the heap: the buffer is larger than a thread's stack should carry.
        auto buffer = std::make_unique<OutputBuffer>(fd);
        std::ostream out(buffer.get());
        write(out);
        out.flush();
        if (buffer->error() != 0 || !out) {
          errno = buffer->error() != 0 ? buffer->error() : EIO;
          return false;
        }
        return true;
      },
      error);
}

namespace {

OutputBuffer* standard_output = nullptr;

}  // namespace

void guard_standard_streams() {
  std::signal(SIGPIPE, SIG_IGN);
  // Standard output held read-only fails every write; standard input held write-only fails
  // every read; standard error goes nowhere, as it would have.
  const int modes[3] = {O_WRONLY, O_RDONLY, O_WRONLY};
  for (int fd = 0; fd < 3; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int held = ::open("/dev/null", modes[fd] | O_NOCTTY);
    if (held < 0) std::_Exit(2);  // nothing safe to write with: stop before opening anything
    if (held != fd) {
      ::dup2(held, fd);
      ::close(held);
    }
  }
  // Never destroyed: std::cout is flushed at exit, after static objects are gone.
  standard_output = new OutputBuffer(STDOUT_FILENO);
  std::cout.rdbuf(standard_output);
}

bool flush_stdout(std::string& error) {
  std::cout.flush();
  int lost = standard_output != nullptr ? standard_output->error() : 0;
  if (lost == 0 && !std::cout.fail()) return true;
  error = "cannot write standard output: " + errno_message(lost != 0 ? lost : EIO);
  return false;
}

}  // namespace stacklint::cli
