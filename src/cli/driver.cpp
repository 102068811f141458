#include "cli/driver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <optional>
#include <system_error>
#include <thread>

namespace stacklint::cli {

namespace {

struct ReadResult {
  std::string bytes;
  size_t full_size = 0;  // the file's size when only its start was read
  std::string error;     // empty when the read worked
};

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::error_code(errno, std::generic_category()).message();
}

// Reads at most limit + 1 bytes, so that an endless or huge stream is refused without being
// read whole. A regular file larger than the limit is not read at all beyond its first line,
// which the report shows.
ReadResult read_bounded(int fd, size_t limit) {
  ReadResult result;
  size_t want = limit + 1;
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<uint64_t>(info.st_size) > limit) {
    result.full_size = static_cast<size_t>(info.st_size);
    want = 256;
  }
  char buffer[1 << 16];
  while (result.bytes.size() < want) {
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, want - result.bytes.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result.error = errno_text("cannot read file");
      return result;
    }
    if (n == 0) break;
    result.bytes.append(buffer, static_cast<size_t>(n));
  }
  if (result.full_size != 0) {
    // Only the first line is kept, cut before anything that is not text.
    std::string& b = result.bytes;
    b.resize(std::min({b.find('\n'), b.find('\0'), load::find_invalid_utf8(b), b.size()}));
  }
  return result;
}

ReadResult read_path(const std::string& path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ReadResult result;
    result.error =
        errno_text(errno == ENOENT ? "file vanished before it could be read" : "cannot open file");
    return result;
  }
  ReadResult result = read_bounded(fd, limit);
  ::close(fd);
  return result;
}

struct Slot {
  std::optional<rules::FileResult> result;
  std::optional<report::Notice> notice;
};

void lint_one(const Input& input, const rules::Catalog& catalog, const DriverOptions& options,
              ReadResult* stdin_read, Slot& slot) {
  std::string path = input.path == "-" ? options.stdin_filename : printable_path(input.path);
  ReadResult read = input.path == "-" ? std::move(*stdin_read)
                                      : read_path(input.path, options.lint.limits.max_bytes);
  if (!read.error.empty()) {
    slot.notice = report::Notice{path, read.error};
    return;
  }
  rules::LintOptions lint_options = options.lint;
  lint_options.skip_non_templates = options.lint.skip_non_templates || input.from_walk;
  auto source = std::make_shared<const load::Source>(path, std::move(read.bytes), read.full_size);
  // One template must never abort the run, whatever goes wrong inside a rule.
  try {
    slot.result = rules::lint(source, catalog, lint_options);
  } catch (const std::exception& e) {
    slot.notice = report::Notice{path, std::string("internal error, file skipped: ") + e.what()};
  }
}

}  // namespace

DriverResult lint_inputs(const std::vector<Input>& inputs, const rules::Catalog& catalog,
                         const DriverOptions& options) {
  ReadResult stdin_read;
  for (const Input& input : inputs) {
    if (input.path == "-") {
      stdin_read = read_bounded(STDIN_FILENO, options.lint.limits.max_bytes);
      break;
    }
  }
  std::vector<Slot> slots(inputs.size());
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(inputs.size(), 1)));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < inputs.size(); i = next++) {
      lint_one(inputs[i], catalog, options, &stdin_read, slots[i]);
    }
  };
  if (jobs <= 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(work);
    for (std::thread& thread : threads) thread.join();
  }
  DriverResult result;
  for (Slot& slot : slots) {
    if (slot.notice) {
      result.notices.push_back(std::move(*slot.notice));
      ++result.unreadable;
    }
    if (slot.result && !slot.result->skipped) result.files.push_back(std::move(*slot.result));
  }
  return result;
}

}  // namespace stacklint::cli
