// A template's bytes and the map from byte offsets to line/column positions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stacklint::load {

// 1-based line and column; columns count Unicode code points. Lines end as YAML ends them: at an
// LF, a CRLF or a lone CR.
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  friend auto operator<=>(const Position&, const Position&) = default;
};

// A half-open range: `end` is the position just after the last character.
struct Range {
  Position begin;
  Position end;
  friend auto operator<=>(const Range&, const Range&) = default;
};

// A file's bytes with its line table: 4 bytes per line, allocated once (at its exact size).
// Offsets are kept in 32 bits, so a Source holds at most kMaxBytes bytes: longer text
// is cut there and full_size() keeps its real size, as for a file too large to read, which
// load() refuses (Limits::max_bytes, 16 MB by default, is far below).
class Source {
 public:
  static constexpr size_t kMaxBytes = UINT32_MAX;  // 4 GiB - 1

  Source(std::string display_path, std::string bytes);
  // For a file too large to read: `bytes` is only its start, `full_size` its real size.
  Source(std::string display_path, std::string bytes, size_t full_size);

  const std::string& path() const { return path_; }
  const std::string& bytes() const { return bytes_; }
  // The file's real size: more than bytes().size() when only its start was read (or kept).
  size_t full_size() const { return full_size_; }
  // Offset of the first byte after a UTF-8 byte order mark, if there is one.
  size_t content_start() const { return content_start_; }

  // The position of a byte offset; an offset past the end is the end. An offset inside a line
  // break (between CR and LF) or inside a character counts the bytes before it on its line.
  Position position_at(size_t offset) const;
  // The same, for offsets that mostly come in order (a loader walking the file): `line_hint`
  // remembers the last line found, so the next lookup usually steps a line or two forward
  // instead of searching every line start.
  Position position_at(size_t offset, size_t& line_hint) const {
    // The usual case, inline: an ASCII file, and an offset on the line of the last lookup.
    if (single_byte_ && line_hint + 1 < line_starts_.size() && line_starts_[line_hint] <= offset &&
        offset < line_starts_[line_hint + 1]) {
      return {static_cast<uint32_t>(line_hint + 1),
              static_cast<uint32_t>(offset - line_starts_[line_hint] + 1)};
    }
    return position_searched(offset, line_hint);
  }
  // The byte offset of a position: a column past the line's end is the line's end (its line
  // break), a line past the last is the end of the file.
  size_t offset_of(Position pos) const;
  // At least 1: an empty file has one empty line.
  size_t line_count() const { return line_starts_.size(); }
  // The text of a line (1-based), without its line break.
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string bytes_;
  size_t content_start_ = 0;
  size_t full_size_ = 0;
  std::vector<uint32_t> line_starts_;  // the offset of each line's first byte, ascending
  // Code points before every kCheckpoint-th byte (and before the end), so that a column costs
  // the same on a line of a megabyte as on a short one. Empty when every character is one byte,
  // or when no line is longer than kCheckpoint bytes (a column is then counted on its line).
  static constexpr size_t kCheckpoint = 256;
  std::vector<uint32_t> checkpoints_;
  bool single_byte_ = false;  // no character takes more than one byte
  void index_lines();
  Position position_searched(size_t offset, size_t& line_hint) const;
  uint32_t code_points_before(size_t offset) const;
  Position position_on_line(size_t offset, size_t line_index) const;
  bool lone_cr(size_t i) const {
    return bytes_[i] == '\r' && (i + 1 == bytes_.size() || bytes_[i + 1] != '\n');
  }
  static bool starts_code_point(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }
};

// Offset of the first byte that is not valid UTF-8, or npos when all of it is valid.
size_t find_invalid_utf8(std::string_view text);

}  // namespace stacklint::load
