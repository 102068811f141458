// Lints many inputs on all cores; results come back in input order, whatever the thread count.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cli/files.h"
#include "cli/walker.h"
#include "report/report.h"
#include "rules/engine.h"

namespace stacklint::cli {

// What the driver keeps of each file's text (FileResult::source) once the file is linted. The
// reports of a run read little of it (report::reads_file_text): the rest is released file by
// file, so that its memory holds the next file instead of every file staying until the end.
enum class KeepText {
  Whole,         // all of it: callers that read it after the run
  SnippetLines,  // the path and the lines the text report shows (report::SnippetLines)
  PathOnly,      // the path alone, which every other format reads
};

struct DriverOptions {
  rules::LintOptions lint;
  unsigned jobs = 0;  // 0: one per core
  std::string stdin_filename = "<stdin>";
  KeepText keep_text = KeepText::Whole;
};

// Replaces `result.source` by one that holds only what `keep` says.
void release_text(rules::FileResult& result, KeepText keep);

struct DriverResult {
  std::vector<rules::FileResult> files;
  std::vector<report::Notice> notices;
  size_t unreadable = 0;          // inputs that could not be read at all
  bool named_unreadable = false;  // one of them was named on the command line
  // The identities of the inputs (every one that exists, except files found in a folder and
  // read as clearly not templates): what stacklint must never write to.
  std::set<FileId> inputs;
};

// Runs task(0) .. task(count - 1) on `jobs` threads (0: one per core; never more than `count`),
// this one among them, each index once, in no fixed order. `task` must be thread-safe.
void for_each_on_jobs(unsigned jobs, size_t count, const std::function<void(size_t)>& task);

// Lints `inputs`; results and notices come in input order. An input that names the same file as
// one before it (by identity, which each read gives: ./a.yaml, a.yaml, a hard link, a link) is
// left out, whatever the thread count: nothing of it is reported.
DriverResult lint_inputs(const std::vector<Input>& inputs, const rules::Catalog& catalog,
                         const DriverOptions& options);

}  // namespace stacklint::cli
