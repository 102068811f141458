#include "cli/driver.h"

#include <atomic>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

namespace stacklint::cli {

namespace {

// Reads at most limit + 1 bytes, so a huge file is refused without being read whole.
std::optional<std::string> read_bounded(std::istream& in, size_t limit) {
  std::string bytes;
  char buffer[1 << 16];
  while (in && bytes.size() <= limit) {
    in.read(buffer, sizeof buffer);
    bytes.append(buffer, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return bytes;
}

struct Slot {
  std::optional<rules::FileResult> result;
  std::optional<report::Notice> notice;
};

void lint_one(const Input& input, const rules::Catalog& catalog, const DriverOptions& options,
              std::string* stdin_bytes, Slot& slot) {
  std::string path = input.path == "-" ? options.stdin_filename : input.path;
  std::optional<std::string> bytes;
  if (input.path == "-") {
    bytes = std::move(*stdin_bytes);
  } else {
    std::ifstream file(input.path, std::ios::binary);
    if (!file) {
      slot.notice =
          report::Notice{path, "cannot open file (it may have been removed, or be unreadable)"};
      return;
    }
    bytes = read_bounded(file, options.lint.limits.max_bytes);
    if (!bytes) {
      slot.notice = report::Notice{path, "cannot read file"};
      return;
    }
  }
  rules::LintOptions lint_options = options.lint;
  lint_options.skip_non_templates = options.lint.skip_non_templates || input.from_walk;
  auto source = std::make_shared<const load::Source>(path, std::move(*bytes));
  slot.result = rules::lint(source, catalog, lint_options);
}

}  // namespace

DriverResult lint_inputs(const std::vector<Input>& inputs, const rules::Catalog& catalog,
                         const DriverOptions& options) {
  std::string stdin_bytes;
  for (const Input& input : inputs) {
    if (input.path == "-") {
      stdin_bytes = read_bounded(std::cin, options.lint.limits.max_bytes).value_or("");
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
      lint_one(inputs[i], catalog, options, &stdin_bytes, slots[i]);
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
