#include "load/source.h"

#include <algorithm>
#include <cstring>

namespace stacklint::load {

namespace {

bool ascii(std::string_view text) {
  const char* at = text.data();
  const char* end = at + text.size();
  uint64_t high = 0;  // eight bytes at a time
  for (; end - at >= 8; at += 8) {
    uint64_t word;
    std::memcpy(&word, at, sizeof word);
    high |= word;
  }
  for (; at < end; ++at) high |= static_cast<unsigned char>(*at);
  return (high & 0x8080808080808080ULL) == 0;
}

}  // namespace

Source::Source(std::string display_path, std::string bytes)
    : Source(std::move(display_path), std::move(bytes), 0) {}

Source::Source(std::string display_path, std::string bytes, size_t full_size)
    : path_(std::move(display_path)), bytes_(std::move(bytes)) {
  full_size_ = std::max(full_size, bytes_.size());
  if (bytes_.size() > kMaxBytes) bytes_.resize(kMaxBytes);  // offsets are 32 bits
  if (bytes_.size() >= 3 && static_cast<unsigned char>(bytes_[0]) == 0xEF &&
      static_cast<unsigned char>(bytes_[1]) == 0xBB &&
      static_cast<unsigned char>(bytes_[2]) == 0xBF) {
    content_start_ = 3;
  }
  index_lines();
  // The usual template is ASCII: every character one byte, and no checkpoints needed.
  single_byte_ = ascii(bytes_);
  if (single_byte_) return;
  uint32_t code_points = 0;
  for (char c : bytes_) code_points += starts_code_point(c);
  // Continuation bytes are the only bytes that do not start a code point.
  single_byte_ = code_points == bytes_.size();
  if (single_byte_) return;
  // Checkpoints only pay on a line longer than kCheckpoint bytes: a column on a shorter one is
  // counted from the line's start (position_on_line, offset_of).
  size_t longest = bytes_.size() - line_starts_.back();
  for (size_t i = 1; i < line_starts_.size(); ++i) {
    longest = std::max<size_t>(longest, line_starts_[i] - line_starts_[i - 1]);
  }
  if (longest <= kCheckpoint) return;
  checkpoints_.reserve(bytes_.size() / kCheckpoint + 1);
  code_points = 0;
  // One for each block's start, and one for the end (so that code_points_before(size) holds).
  for (size_t block = 0;; block += kCheckpoint) {
    checkpoints_.push_back(code_points);
    if (block >= bytes_.size()) break;
    size_t end = std::min(block + kCheckpoint, bytes_.size());
    for (size_t i = block; i < end; ++i) code_points += starts_code_point(bytes_[i]);
  }
}

// The line starts, found once into the thread's scratch table and copied into one allocation
// of the exact size (pushed into the Source's own table, it grew by reallocation).
void Source::index_lines() {
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  const char* data = bytes_.data();
  size_t size = bytes_.size();
  starts.push_back(static_cast<uint32_t>(content_start_));
  if (std::memchr(data, '\r', size) == nullptr) {  // the usual file: LF or nothing
    for (const char* at = data + content_start_;
         (at = static_cast<const char*>(std::memchr(at, '\n', size - (at - data))));) {
      ++at;
      starts.push_back(static_cast<uint32_t>(at - data));
    }
  } else {  // YAML counts a CR, an LF and a CRLF as one line break each
    for (size_t i = content_start_; i < size; ++i) {
      if (data[i] == '\n' || lone_cr(i)) starts.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  line_starts_.assign(starts.begin(), starts.end());
  if (starts.capacity() > 1024 * 1024) starts = {};  // not kept after a huge file
}

uint32_t Source::code_points_before(size_t offset) const {
  if (single_byte_) return static_cast<uint32_t>(offset);
  size_t base = offset / kCheckpoint * kCheckpoint;
  uint32_t count = checkpoints_[base / kCheckpoint];
  for (size_t i = base; i < offset; ++i) count += starts_code_point(bytes_[i]);
  return count;
}

Position Source::position_at(size_t offset) const {
  // A byte order mark is before line 1, column 1.
  offset = std::clamp(offset, content_start_, bytes_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return position_on_line(offset, static_cast<size_t>(it - line_starts_.begin()) - 1);
}

Position Source::position_searched(size_t offset, size_t& line_hint) const {
  offset = std::clamp(offset, content_start_, bytes_.size());
  size_t lines = line_starts_.size();
  size_t line = line_hint < lines ? line_hint : 0;
  constexpr int kSteps = 8;  // past this many lines forward, a binary search is cheaper
  int steps = 0;
  if (line_starts_[line] <= offset) {
    while (steps < kSteps && line + 1 < lines && line_starts_[line + 1] <= offset) ++line, ++steps;
  }
  if (line_starts_[line] > offset || (line + 1 < lines && line_starts_[line + 1] <= offset)) {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    line = static_cast<size_t>(it - line_starts_.begin()) - 1;
  }
  line_hint = line;
  return position_on_line(offset, line);
}

Position Source::position_on_line(size_t offset, size_t line_index) const {
  size_t start = line_starts_[line_index];
  uint32_t column = 1;
  if (single_byte_) {  // the usual template: every character one byte
    column += static_cast<uint32_t>(offset - start);
  } else if (offset - start <= kCheckpoint) {  // the usual short line: count directly
    for (size_t i = start; i < offset; ++i) column += starts_code_point(bytes_[i]);
  } else {
    column += code_points_before(offset) - code_points_before(start);
  }
  return {static_cast<uint32_t>(line_index + 1), column};
}

size_t Source::offset_of(Position pos) const {
  if (pos.line == 0 || pos.line > line_starts_.size()) return bytes_.size();
  size_t offset = line_starts_[pos.line - 1];
  if (single_byte_) {  // a column is a byte: up to the line's break (an LF or a lone CR)
    size_t line_end = pos.line < line_starts_.size() ? line_starts_[pos.line] - 1 : bytes_.size();
    return std::min(offset + (pos.column == 0 ? 0 : pos.column - 1), line_end);
  }
  uint32_t column = 1;
  // On a long line, jump to the last checkpoint before the column instead of counting from the
  // line's start: a template on one line would otherwise cost quadratic time. Without
  // checkpoints, no line is longer than kCheckpoint bytes.
  size_t line_end = pos.line < line_starts_.size() ? line_starts_[pos.line] : bytes_.size();
  size_t first = offset / kCheckpoint + 1, last = (line_end - 1) / kCheckpoint;
  if (!checkpoints_.empty() && line_end > offset && first <= last && first < checkpoints_.size()) {
    uint32_t wanted = code_points_before(offset) + pos.column - 1;
    auto begin = checkpoints_.begin() + static_cast<std::ptrdiff_t>(first);
    auto end =
        checkpoints_.begin() + static_cast<std::ptrdiff_t>(std::min(last + 1, checkpoints_.size()));
    auto it = std::upper_bound(begin, end, wanted);
    if (it != begin) {
      size_t jump = static_cast<size_t>(it - checkpoints_.begin() - 1) * kCheckpoint;
      // A checkpoint inside a character: step back to the character's first byte.
      while (jump > offset && !starts_code_point(bytes_[jump])) --jump;
      column += code_points_before(jump) - code_points_before(offset);
      offset = jump;
    }
  }
  while (offset < bytes_.size() && column < pos.column && bytes_[offset] != '\n' &&
         !lone_cr(offset)) {
    ++offset;
    while (offset < bytes_.size() && (static_cast<unsigned char>(bytes_[offset]) & 0xC0) == 0x80) {
      ++offset;
    }
    ++column;
  }
  return offset;
}

std::string_view Source::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t start = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : bytes_.size();
  if (end > start && bytes_[end - 1] == '\r') --end;
  return std::string_view(bytes_).substr(start, end - start);
}

size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Templates are almost all ASCII: skip eight such bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, sizeof word);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace stacklint::load
