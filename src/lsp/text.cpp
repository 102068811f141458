#include "lsp/text.h"

#include <algorithm>
#include <cstring>

namespace stacklint::lsp {

namespace {

bool continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// A code point's units are counted at its first byte (every byte in UTF-8), so that the units
// of a span are the sum over its bytes and checkpoints can be taken at any byte.
uint32_t byte_units(unsigned char c, Encoding encoding) {
  if (encoding == Encoding::Utf8) return 1;
  if (continuation(c)) return 0;
  return units_of(c, encoding);
}

uint32_t units_between(std::string_view text, size_t from, size_t to, Encoding encoding) {
  if (encoding == Encoding::Utf8) return static_cast<uint32_t>(to - from);
  uint32_t units = 0;
  for (size_t i = from; i < to; ++i) units += byte_units(text[i], encoding);
  return units;
}

// From byte `at` (a character's start, `units` code units into its line) towards `end` (the
// line's end): the byte where `character` code units are reached, or the first character
// boundary past it, or `end`. Sets `units` to the units before the byte returned.
size_t scan_to(std::string_view text, size_t at, size_t end, uint32_t character, Encoding encoding,
               uint32_t& units) {
  for (; at < end; ++at) {
    unsigned char c = text[at];
    if (!continuation(c) && units >= character) break;
    units += byte_units(c, encoding);
  }
  return at;
}

std::string inside_error(LspPosition position, Encoding encoding) {
  return "character " + std::to_string(position.character) + " of line " +
         std::to_string(position.line) + " is inside a character (" +
         std::string(to_string(encoding)) + " code units)";
}

// Where the line after the one that starts at `at` starts (LF, CRLF or a lone CR end a line),
// or npos after the last line. `lf` caches the next LF at or after `at` (npos: none), so that
// walking every line of a text reads it once, whatever its line breaks.
size_t next_line(std::string_view text, size_t at, size_t& lf) {
  if (lf != std::string_view::npos && lf < at) lf = text.find('\n', at);
  size_t end = lf == std::string_view::npos ? text.size() : lf;
  if (const void* cr = std::memchr(text.data() + at, '\r', end - at)) {
    size_t p = static_cast<size_t>(static_cast<const char*>(cr) - text.data());
    return p + 1 == lf ? lf + 1 : p + 1;
  }
  return lf == std::string_view::npos ? std::string_view::npos : lf + 1;
}

}  // namespace

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::Utf8:
      return "utf-8";
    case Encoding::Utf16:
      return "utf-16";
    case Encoding::Utf32:
      return "utf-32";
  }
  return "utf-16";
}

uint32_t units_of(unsigned char lead, Encoding encoding) {
  if (encoding == Encoding::Utf32) return 1;
  int bytes = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (encoding == Encoding::Utf8) return bytes;
  return bytes == 4 ? 2 : 1;  // outside the BMP: a surrogate pair
}

LineMap::LineMap(std::string_view text, Encoding encoding) : text_(text), encoding_(encoding) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      starts_.push_back(i + 1);
    }
  }
  ascii_ = std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  checkpoints_.resize(starts_.size());
}

size_t LineMap::line_end(size_t line) const {
  if (line + 1 >= starts_.size()) return text_.size();
  size_t end = starts_[line + 1] - 1;  // the LF or lone CR
  if (text_[end] == '\n' && end > starts_[line] && text_[end - 1] == '\r') --end;
  return end;
}

const LineMap::Checkpoints& LineMap::checkpoints(size_t line) const {
  Checkpoints& points = checkpoints_[line];
  if (points.built) return points;
  points.built = true;
  size_t start = starts_[line], end = line_end(line);
  uint32_t units = 0;
  for (size_t block = start; block < end; block += kStride) {
    points.units.push_back(units);
    units += units_between(text_, block, std::min(block + kStride, end), encoding_);
  }
  return points;
}

LspPosition LineMap::position_of(size_t offset) const {
  offset = std::min(offset, text_.size());
  size_t line = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) -
                                    starts_.begin()) -
                1;
  size_t start = starts_[line];
  offset = std::min(offset, line_end(line));
  uint32_t units = 0;
  if (ascii_ || encoding_ == Encoding::Utf8) {
    units = static_cast<uint32_t>(offset - start);
  } else if (offset - start < kLongLine) {
    units = units_between(text_, start, offset, encoding_);
  } else {
    const Checkpoints& points = checkpoints(line);
    size_t block = (offset - start) / kStride;
    units = points.units[block] + units_between(text_, start + block * kStride, offset, encoding_);
  }
  return {static_cast<uint32_t>(line), units};
}

bool LineMap::offset_of(LspPosition position, size_t& offset, std::string& error) const {
  if (position.line >= starts_.size()) {
    // The position just after the last line (`{line: lineCount, character: 0}`) is the end.
    if (position.line == starts_.size() && position.character == 0) {
      offset = text_.size();
      return true;
    }
    error = "line " + std::to_string(position.line) + " is past the end of the document (" +
            std::to_string(starts_.size()) + " lines)";
    return false;
  }
  size_t start = starts_[position.line], end = line_end(position.line);
  if (ascii_) {
    offset = std::min<size_t>(start + position.character, end);
    return true;
  }
  size_t at = start;
  uint32_t units = 0;
  if (end - start >= kLongLine) {
    const Checkpoints& points = checkpoints(position.line);
    size_t block = static_cast<size_t>(std::upper_bound(points.units.begin(), points.units.end(),
                                                        position.character) -
                                       points.units.begin()) -
                   1;
    at = start + block * kStride;
    units = points.units[block];
  }
  at = scan_to(text_, at, end, position.character, encoding_, units);
  if (units > position.character) {
    error = inside_error(position, encoding_);
    return false;
  }
  offset = at;  // at the character, or the line's end when the character is past it
  return true;
}

LspRange to_lsp(const load::Source& source, const LineMap& lines, const load::Range& range) {
  LspPosition start = lines.position_of(source.offset_of(range.begin));
  LspPosition end = lines.position_of(source.offset_of(range.end));
  return {start, std::max(start, end)};
}

bool TextDocument::apply(const LspRange& range, std::string_view replacement, Encoding encoding,
                         std::string& error) {
  // Only the text up to the change's end is read (no LineMap of the whole text): a message of
  // thousands of changes to a large document cost a scan of the whole text per change.
  size_t at = 0, lf = text.find('\n'), offsets[2] = {0, 0};  // start, end
  uint32_t line = 0;
  bool after_last = false;  // `at` is the end, as the line after the last one
  // The two positions in line order, so that the walk goes forward; compared as offsets after.
  bool reversed = range.end.line < range.start.line;
  for (int i = 0; i < 2; ++i) {
    LspPosition position = (i == 0) != reversed ? range.start : range.end;
    while (line < position.line && at != std::string::npos) {
      size_t following = next_line(text, at, lf);
      ++line;
      // The position just after the last line (`{line: lineCount, character: 0}`) is the end.
      after_last = !after_last && following == std::string::npos && line == position.line &&
                   position.character == 0;
      at = after_last ? text.size() : following;
    }
    if (at == std::string::npos || (after_last && position.character != 0)) {
      error = "line " + std::to_string(position.line) + " is past the end of the document";
      return false;
    }
    size_t next = next_line(text, at, lf);
    size_t end = next == std::string::npos ? text.size() : next;
    // The line's content ends before its break: LF, CRLF or a lone CR.
    if (end > at && text[end - 1] == '\n') --end;
    if (end > at && text[end - 1] == '\r') --end;
    uint32_t units = 0;
    offsets[i] = scan_to(text, at, end, position.character, encoding, units);
    if (units > position.character) {
      error = inside_error(position, encoding);
      return false;
    }
  }
  if (reversed) std::swap(offsets[0], offsets[1]);
  if (offsets[0] > offsets[1]) {
    error = "the change's start comes after its end";
    return false;
  }
  text.replace(offsets[0], offsets[1] - offsets[0], replacement);
  return true;
}

}  // namespace stacklint::lsp
