// Templates read and loaded once per run: a file linted on its own and also linked as a nested
// stack (of a template linted in the same run) is parsed once, and both use that tree.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cli/files.h"
#include "cli/walker.h"
#include "load/loader.h"

namespace stacklint::cli {

// A template file as read and loaded: never changed once made, so that threads share it.
struct LoadedDocument {
  std::shared_ptr<const load::Source> source;  // its path is the file's printable path
  load::Loaded loaded;
  std::optional<FileId> id;  // the file read
  double load_seconds = 0;   // the time load::load took
};

// Loads `document.source` into `document.loaded`, timed.
void load_document(LoadedDocument& document, const load::Limits& limits);

// Reads and loads `path` (shown as `shown`) with read_file and load::load; a failed read leaves
// `read.error` set and returns null.
std::shared_ptr<const LoadedDocument> read_document(const std::string& path,
                                                    const std::string& shown,
                                                    const load::Limits& limits, bool seen,
                                                    ReadResult& read);

// The documents of one run, shared between the inputs' own lints and the linked runs of
// templates with nested stacks. Thread-safe. Memory stays bounded however many files the run
// has: a document is kept only
// - when a linked run loaded it for an input whose own lint has not started yet (that lint
//   takes it; at most kAwaitedNodes nodes are kept so, the rest is loaded again), or
// - among the most recently linted inputs (at most kRecentNodes nodes), for a template linted
//   soon after the nested stacks it links, as a folder walk lists them. Kept small: the few
//   children a parent links, not a window of the run: 16K nodes held memory that the files
//   after it then allocated cold (~5% of the corpus run's CPU time), while 2K still parses
//   each corpus file once.
// Documents are found by key (key_of); one is shared only under the path its Source shows.
class DocumentCache {
 public:
  static constexpr size_t kRecentNodes = 2 * 1024;     // about 512 KB of tree
  static constexpr size_t kAwaitedNodes = 256 * 1024;  // about 64 MB of tree

  // `inputs`: the run's inputs; standard input ("-") is never shared.
  explicit DocumentCache(const std::vector<Input>& inputs);

  // The key of a file's path: lexically normal. Empty when `path` does not show as its key
  // (it is not lexically normal, or not UTF-8): such a name is never shared.
  static std::string key_of(const std::string& path);

  // The document kept for `key`, or null.
  std::shared_ptr<const LoadedDocument> find(const std::string& key) const;
  // A linked run loaded `document`: kept when its file is an input still to be linted.
  void loaded_for_link(const std::string& key, std::shared_ptr<const LoadedDocument> document);
  // The input `key`'s own lint starts: the document a linked run loaded for it (or null). From
  // now on, linked runs no longer keep documents for it.
  std::shared_ptr<const LoadedDocument> start_input(const std::string& key);
  // The input `key`'s own lint has `document`: kept among the recent ones.
  void linted(const std::string& key, std::shared_ptr<const LoadedDocument> document);

 private:
  static size_t weight(const LoadedDocument& document);
  mutable std::mutex mutex_;
  // Hashed: the keys are paths, long and alike at their start, that a tree compares over and
  // over (every input's lint looks up and updates these).
  std::unordered_set<std::string> pending_;  // inputs whose own lint has not started
  std::unordered_map<std::string, std::shared_ptr<const LoadedDocument>> awaited_;
  size_t awaited_nodes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const LoadedDocument>> recent_;
  std::deque<std::string> recent_order_;  // oldest first
  size_t recent_nodes_ = 0;
};

}  // namespace stacklint::cli
