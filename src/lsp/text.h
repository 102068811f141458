// The language server's view of a document's text: LSP positions (0-based line, character in
// the negotiated encoding's code units) to byte offsets and back, and edits applied as clients
// send them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "load/source.h"

namespace stacklint::lsp {

// LSP 3.17 PositionEncodingKind: what a `character` counts.
enum class Encoding : uint8_t { Utf8, Utf16, Utf32 };

std::string_view to_string(Encoding encoding);

struct LspPosition {
  uint32_t line = 0;
  uint32_t character = 0;
  friend auto operator<=>(const LspPosition&, const LspPosition&) = default;
};

struct LspRange {
  LspPosition start;
  LspPosition end;
};

// Code units of one code point whose UTF-8 sequence starts with `lead`.
uint32_t units_of(unsigned char lead, Encoding encoding);

// Line starts and conversions for one text (valid UTF-8). Lines end at LF, CRLF or a lone CR,
// as in LSP and in YAML. Conversions cost the length of the line at most once per line: a long
// line gets checkpoints on first use, so a minified 5 MB JSON line costs the same per position
// as a short one.
class LineMap {
 public:
  LineMap(std::string_view text, Encoding encoding);

  size_t line_count() const { return starts_.size(); }
  // The LSP position of a byte offset (clamped to the text).
  LspPosition position_of(size_t offset) const;
  // The byte offset of an LSP position. A character past the end of its line means the line's
  // end (as LSP says); false with `error` for a line past the end or a position inside a
  // character (between the two halves of a surrogate pair, inside a UTF-8 sequence).
  bool offset_of(LspPosition position, size_t& offset, std::string& error) const;
  // Where a line's content ends (before its line break).
  size_t line_end(size_t line) const;
  size_t line_start(size_t line) const { return starts_[line]; }

 private:
  struct Checkpoints {
    bool built = false;
    std::vector<uint32_t> units;  // code units before every kStride-th byte of the line
  };
  static constexpr size_t kStride = 256;
  static constexpr size_t kLongLine = 1024;
  std::string_view text_;
  Encoding encoding_;
  std::vector<size_t> starts_;
  mutable std::vector<Checkpoints> checkpoints_;  // per line, built lazily for long lines
  bool ascii_ = false;
  const Checkpoints& checkpoints(size_t line) const;
};

// A finding's range (1-based line, code point column, as load::Source gives them) as an LSP
// range, through the byte offsets of `source`.
LspRange to_lsp(const load::Source& source, const LineMap& lines, const load::Range& range);

// An open document: its text and version, and edits applied to it.
struct TextDocument {
  std::string uri;
  std::string language;
  int64_t version = 0;
  std::string text;

  // Replaces the text between two LSP positions. False with `error` (and the text unchanged)
  // when a position is out of range or the start comes after the end.
  bool apply(const LspRange& range, std::string_view replacement, Encoding encoding,
             std::string& error);
};

}  // namespace stacklint::lsp
