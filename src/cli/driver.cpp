#include "cli/driver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "cli/documents.h"
#include "cli/files.h"
#include "cli/stacks.h"

namespace stacklint::cli {

namespace {

// A report that stacklint wrote in a text format (--output into a folder that a later run
// walks): its first line is a finding ("path:3:5: warning: ", "::error file="), a notice
// ("path: error: ") or a summary. Only asked of files that are not readable templates anyway.
bool is_stacklint_report(std::string_view bytes) {
  std::string_view line = bytes.substr(0, bytes.find('\n'));
  for (std::string_view prefix : {"::error ", "::warning ", "::notice ", "No problems found in ",
                                  "No CloudFormation templates found", "Found "}) {
    if (line.starts_with(prefix)) return true;
  }
  auto digits_before = [&](size_t end) {
    size_t start = end;
    while (start > 0 && line[start - 1] >= '0' && line[start - 1] <= '9') --start;
    return start < end ? start : std::string_view::npos;
  };
  for (std::string_view word : {": error: ", ": warning: ", ": note: ", ": info: "}) {
    size_t at = line.find(word);
    if (at == std::string_view::npos || at == 0) continue;
    size_t column = digits_before(at);  // path:LINE:COLUMN
    if (column != std::string_view::npos && column > 0 && line[column - 1] == ':') {
      size_t row = digits_before(column - 1);
      if (row != std::string_view::npos && row > 0 && line[row - 1] == ':') return true;
    }
    if (word == ": error: " && line.substr(0, at).find(": ") == std::string_view::npos) {
      return true;  // a notice: "path: error: cannot open file"
    }
  }
  return false;
}

bool only_unreadable(const rules::FileResult& result) {
  return !result.findings.empty() &&
         std::all_of(result.findings.begin(), result.findings.end(),
                     [](const rules::Finding& finding) { return finding.rule->id == "T001"; });
}

// Which input is the first name of each file: the same file under several names (./a.yaml,
// a.yaml, a hard link, a link) is linted once, under the first name given, whatever the order in
// which the threads read them. The identity comes with each read (its fstat), so no name is asked
// of the file system twice. Thread-safe.
class FirstNames {
 public:
  // Input `index` is the file `id`: false when an input before it is the same file, so that it
  // need not be linted. True may be taken back by an earlier input read later (first()).
  bool claim(const FileId& id, size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, added] = first_.emplace(id, index);
    if (added || index < it->second) it->second = index;
    return it->second == index;
  }
  // Once every input has claimed its file: whether input `index` is the first name of `id`.
  bool first(const FileId& id, size_t index) const { return first_.at(id) == index; }

 private:
  std::mutex mutex_;
  std::map<FileId, size_t> first_;
};

struct Slot {
  std::optional<rules::FileResult> result;
  // The nested stacks of a template linked with them: their files' findings as nested stacks.
  std::vector<rules::FileResult> nested;
  std::optional<report::Notice> notice;
  std::optional<FileId> id;
};

// `walked`: options.lint for files found in a folder (skip_non_templates set), made once per
// run rather than copied per file.
void lint_one(const Input& input, size_t index, const rules::Catalog& catalog,
              const DriverOptions& options, const rules::LintOptions& walked,
              ReadResult* stdin_read, DocumentCache& cache, FirstNames& first_names, Slot& slot) {
  bool from_stdin = input.path == "-";
  std::string path = from_stdin ? options.stdin_filename : printable_path(input.path);
  // Shared with linked runs only under the name it is linted as.
  std::string key = from_stdin ? std::string() : DocumentCache::key_of(input.path);
  std::shared_ptr<const LoadedDocument> document;
  std::shared_ptr<LoadedDocument> fresh;  // read here, loaded below
  if (!key.empty()) document = cache.start_input(key);
  ReadResult read;
  if (document != nullptr) {
    slot.id = document->id ? document->id : identity_of(input.path);
  } else {
    read = from_stdin ? std::move(*stdin_read)
                      : read_file(input.path, options.lint.limits.max_bytes, input.from_walk,
                                  input.from_walk);
    // A file that could not be opened has no identity from the read: asked by name.
    slot.id = from_stdin ? std::nullopt : read.id ? read.id : identity_of(input.path);
  }
  // Another name of a file an earlier input names: linted (or reported) under that one only.
  if (slot.id && !first_names.claim(*slot.id, index)) return;
  if (document == nullptr) {
    if (!read.error.empty()) {
      slot.notice = report::Notice{path, read.error};
      return;
    }
    fresh = std::make_shared<LoadedDocument>();
    fresh->source =
        std::make_shared<const load::Source>(path, std::move(read.bytes), read.full_size);
    fresh->id = read.id;
  }
  const rules::LintOptions& lint_options = input.from_walk ? walked : options.lint;
  std::shared_ptr<const load::Source> source = fresh != nullptr ? fresh->source : document->source;
  // One template must never abort the run, whatever goes wrong inside a rule.
  try {
    if (fresh != nullptr) {
      load_document(*fresh, lint_options.limits);
      document = std::move(fresh);
    }
    const load::Loaded& loaded = document->loaded;
    double load_time = document->load_seconds;
    if (input.path != "-" && rules::is_template_tree(loaded) &&
        has_local_nested_stack(loaded.document.root)) {
      // Linked with its nested stacks: the children get the parameters it passes, and its
      // Fn::GetAtt Child.Outputs.X read the children's outputs.
      DriverOptions one = options;
      one.lint = lint_options;
      std::vector<RootStack> roots(1);
      roots[0].path = input.path;
      roots[0].loaded = document;
      // The values given with --parameter / --parameter-file are the parent's.
      if (lint_options.parameters) roots[0].parameters = *lint_options.parameters;
      DriverResult linked = lint_linked(roots, false, catalog, one, &cache);
      if (!linked.files.empty()) {
        slot.result = std::move(linked.files[0]);
        slot.result->source = source;
        for (size_t i = 1; i < linked.files.size(); ++i) {
          slot.nested.push_back(std::move(linked.files[i]));
        }
      }
    }
    if (!slot.result) slot.result = rules::lint_loaded(source, loaded, catalog, lint_options);
    slot.result->times.load = load_time;
    // A report of an earlier run, written into the folder being walked: not a template.
    if (input.from_walk && only_unreadable(*slot.result) && is_stacklint_report(source->bytes())) {
      slot.result->skipped = true;
      slot.result->findings.clear();
    }
    // The text goes now (the tree and the cache may keep the whole Source a little longer).
    release_text(*slot.result, options.keep_text);
    // Kept until the report: without the room left for more, which the next files reuse.
    slot.result->findings.shrink_to_fit();
    for (rules::FileResult& file : slot.nested) release_text(file, options.keep_text);
    if (!key.empty()) cache.linted(key, document);
  } catch (const std::exception& e) {
    slot.notice = report::Notice{path, std::string("internal error, file skipped: ") + e.what()};
  }
}

}  // namespace

void for_each_on_jobs(unsigned jobs, size_t count, const std::function<void(size_t)>& task) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(count, 1)));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++) task(i);
  };
  // This thread works too; the others are helpers. When the system refuses a thread (a process
  // limit, a container's pids.max), the threads that did start do the work.
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (std::thread& thread : threads) thread.join();
}

void release_text(rules::FileResult& result, KeepText keep) {
  if (keep == KeepText::Whole || result.source == nullptr) return;
  report::SnippetLines lines;
  if (keep == KeepText::SnippetLines) lines.keep(*result.source, result.findings);
  result.source = lines.source(result.source->path());
}

DriverResult lint_inputs(const std::vector<Input>& inputs, const rules::Catalog& catalog,
                         const DriverOptions& options) {
  ReadResult stdin_read;
  std::optional<FileId> stdin_id;
  for (const Input& input : inputs) {
    if (input.path == "-") {
      // Standard input redirected from a file (`- < t.yaml`) reads that file: it is an input
      // like any named one, never to be written.
      struct stat info {};
      if (fstat(STDIN_FILENO, &info) == 0 && S_ISREG(info.st_mode)) {
        stdin_id = FileId{info.st_dev, info.st_ino};
      }
      stdin_read = read_bounded(STDIN_FILENO, options.lint.limits.max_bytes);
      break;
    }
  }
  std::vector<Slot> slots(inputs.size());
  DocumentCache cache(inputs);
  rules::LintOptions walked = options.lint;
  walked.skip_non_templates = true;
  FirstNames first_names;
  for_each_on_jobs(options.jobs, inputs.size(), [&](size_t i) {
    lint_one(inputs[i], i, catalog, options, walked, &stdin_read, cache, first_names, slots[i]);
  });
  DriverResult result;
  result.files.reserve(slots.size());
  if (stdin_id) result.inputs.insert(*stdin_id);
  for (size_t i = 0; i < slots.size(); ++i) {
    Slot& slot = slots[i];
    // A later name of a file linted under an earlier one: nothing of it is reported.
    if (slot.id && !first_names.first(*slot.id, i)) continue;
    bool skipped = slot.result && slot.result->skipped;
    if (slot.notice) {
      result.notices.push_back(std::move(*slot.notice));
      ++result.unreadable;
      if (!inputs[i].from_walk) result.named_unreadable = true;
    }
    // A file found in a folder and read as clearly not a template (a report stacklint wrote
    // there, a package.json) is not an input: a later --output may replace it.
    if (slot.id && !(inputs[i].from_walk && skipped)) result.inputs.insert(*slot.id);
    if (slot.result && !skipped) result.files.push_back(std::move(*slot.result));
  }
  // Nested stacks' findings join their file's own (each once), or make its entry when the file
  // was not an input itself.
  bool nested = std::any_of(slots.begin(), slots.end(),
                            [](const Slot& slot) { return !slot.nested.empty(); });
  if (!nested) return result;  // most runs: no index of the files to build
  std::map<std::string, size_t> by_path;
  auto key = [](const rules::FileResult& file) { return lexically_normal(file.source->path()); };
  for (size_t i = 0; i < result.files.size(); ++i) by_path[key(result.files[i])] = i;
  for (Slot& slot : slots) {
    for (rules::FileResult& nested : slot.nested) {
      auto [it, added] = by_path.emplace(key(nested), result.files.size());
      if (added) {
        result.files.push_back(std::move(nested));
        continue;
      }
      rules::FileResult& file = result.files[it->second];
      std::vector<rules::Finding>& findings = file.findings;
      if (options.keep_text == KeepText::SnippetLines) {
        // Each kept the lines of its own findings: the file's now shows both sets.
        report::SnippetLines lines;
        lines.keep(*file.source, findings);
        lines.keep(*nested.source, nested.findings);
        file.source = lines.source(file.source->path());
      }
      for (rules::Finding& finding : nested.findings) {
        bool known = std::any_of(findings.begin(), findings.end(), [&](const rules::Finding& f) {
          return f.rule == finding.rule && f.range == finding.range && f.message == finding.message;
        });
        if (!known) findings.push_back(std::move(finding));
      }
      rules::sort_findings(findings);
    }
  }
  return result;
}

}  // namespace stacklint::cli
