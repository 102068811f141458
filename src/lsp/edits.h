// The text edits behind the language server's quick fixes: stacklint's suppressions written into
// a template, each edit inserting or replacing a few bytes and keeping every other byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/loader.h"

namespace stacklint::lsp {

// Replace the bytes [from, to) of the document with `text`.
struct ByteEdit {
  size_t from = 0;
  size_t to = 0;
  std::string text;
};

// What the inserted suppressions say for their reason, for the author to fill in.
constexpr std::string_view kReasonPlaceholder = "<why this finding is acceptable>";

// The lines that multi-line scalars cover, found in one walk of a document's tree: a comment
// cannot go inside such a scalar, nor after the first line of one that starts on the line. Built
// once for many quick fixes on one text (per fix, the walk made a code action over a whole
// template of 10,000 findings take 44 s).
class ScalarLines {
 public:
  explicit ScalarLines(const load::Node* root);
  // A scalar that starts before `line` (1-based) covers it.
  bool inside(uint32_t line) const { return line < flags_.size() && (flags_[line] & kInside); }
  // A scalar spanning several lines starts on `line`.
  bool starts(uint32_t line) const { return line < flags_.size() && (flags_[line] & kStarts); }

 private:
  static constexpr uint8_t kInside = 1, kStarts = 2;
  std::vector<uint8_t> flags_;  // by line
};

// "# stacklint: ignore RULE -- reason" for the finding that starts on `line` (1-based) of a YAML
// template: added to a stacklint comment already on that line, else at the line's end when the
// line has no comment, else as a comment on its own line above (which covers the next line).
// Nothing for JSON (no comments) or a line inside a multi-line scalar.
// `scalars`: the ScalarLines of `loaded` when the caller has them (else the tree is walked).
std::optional<ByteEdit> suppress_on_line(const load::Source& source, const load::Loaded& loaded,
                                         uint32_t line, std::string_view rule,
                                         const ScalarLines* scalars = nullptr);

// `Metadata: {stacklint: {ignore: [RULE], reason: ...}}` on resource `resource`, merged into the
// Metadata, stacklint and ignore that are already there; YAML (block or flow) and JSON. Nothing
// when the resource or its Metadata is not a mapping.
// `found`: the resource's node when the caller has looked it up (else it is found by name, a
// scan of Resources).
std::optional<ByteEdit> suppress_for_resource(const load::Source& source,
                                              const load::Loaded& loaded, std::string_view resource,
                                              std::string_view rule,
                                              const load::Node* found = nullptr);

}  // namespace stacklint::lsp
