// The text edits behind the language server's quick fixes: stacklint's suppressions written into
// a template, each edit inserting or replacing a few bytes and keeping every other byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// "# stacklint: ignore RULE -- reason" for the finding that starts on `line` (1-based) of a YAML
// template: added to a stacklint comment already on that line, else at the line's end when the
// line has no comment, else as a comment on its own line above (which covers the next line).
// Nothing for JSON (no comments) or a line inside a multi-line scalar.
std::optional<ByteEdit> suppress_on_line(const load::Source& source, const load::Loaded& loaded,
                                         uint32_t line, std::string_view rule);

// `Metadata: {stacklint: {ignore: [RULE], reason: ...}}` on resource `resource`, merged into the
// Metadata, stacklint and ignore that are already there; YAML (block or flow) and JSON. Nothing
// when the resource or its Metadata is not a mapping.
std::optional<ByteEdit> suppress_for_resource(const load::Source& source,
                                              const load::Loaded& loaded, std::string_view resource,
                                              std::string_view rule);

}  // namespace stacklint::lsp
