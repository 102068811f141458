#include "lsp/jsonrpc.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

namespace stacklint::lsp {

namespace {

constexpr size_t kChunk = 64 * 1024;

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The headers' Content-Length; false with `error` for a malformed header block. A length
// past `limit` is reported as limit + 1, so that no arithmetic overflows.
bool content_length(std::string_view headers, size_t limit, size_t& length, std::string& error) {
  bool found = false;
  while (!headers.empty()) {
    size_t end = headers.find("\r\n");
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error = "a header line without a colon";
      return false;
    }
    if (!same_name(trim(line.substr(0, colon)), "content-length")) continue;
    std::string_view value = trim(line.substr(colon + 1));
    if (value.empty()) {
      error = "an empty Content-Length";
      return false;
    }
    length = 0;
    for (char c : value) {
      if (c < '0' || c > '9') {
        error = "a Content-Length that is not a number";
        return false;
      }
      if (length <= limit) length = length * 10 + static_cast<size_t>(c - '0');
    }
    length = std::min(length, limit + 1);
    found = true;
  }
  if (!found) error = "a message without a Content-Length header";
  return found;
}

}  // namespace

FrameReader::FrameReader(ReadFn read, FrameLimits limits)
    : read_(std::move(read)), limits_(limits) {}

FrameReader FrameReader::from_fd(int fd, FrameLimits limits) {
  FrameReader reader(
      [fd](char* buffer, size_t n) -> size_t {
        for (;;) {
          ssize_t got = ::read(fd, buffer, n);
          if (got >= 0) return static_cast<size_t>(got);
          if (errno != EINTR) return 0;
        }
      },
      limits);
  reader.fd_ = fd;
  return reader;
}

bool FrameReader::fill() {
  if (eof_) return false;
  if (start_ > 0 && (start_ >= kChunk || start_ == buffer_.size())) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  size_t old = buffer_.size();
  buffer_.resize(old + kChunk);
  size_t got = read_(buffer_.data() + old, kChunk);
  buffer_.resize(old + got);
  if (got == 0) eof_ = true;
  return got > 0;
}

bool FrameReader::ready() const {
  if (start_ < buffer_.size()) return true;
  if (fd_ < 0 || eof_) return false;
  pollfd poll_fd{fd_, POLLIN, 0};
  return ::poll(&poll_fd, 1, 0) > 0;
}

std::optional<Frame> FrameReader::next() {
  size_t end = std::string::npos;
  bool too_long = false;
  for (;;) {
    end = buffer_.find("\r\n\r\n", start_);
    if (end != std::string::npos) break;
    if (buffer_.size() - start_ > limits_.max_header_bytes) {
      // Drop what cannot be a header, keeping a possible start of the terminator.
      too_long = true;
      start_ = buffer_.size() - 3;
    }
    if (!fill()) return std::nullopt;
  }
  std::string_view headers(buffer_.data() + start_, end - start_);
  start_ = end + 4;
  Frame frame;
  if (too_long || headers.size() > limits_.max_header_bytes) {
    frame.error = "headers longer than " + std::to_string(limits_.max_header_bytes) + " bytes";
    return frame;
  }
  size_t length = 0;
  if (!content_length(headers, limits_.max_content_length, length, frame.error)) return frame;
  if (length > limits_.max_content_length) {
    // Skipped without holding it: what is buffered, then the rest in pieces.
    size_t buffered = std::min(buffer_.size() - start_, length);
    start_ += buffered;
    size_t remaining = length - buffered;
    std::vector<char> sink(kChunk);
    while (remaining > 0) {
      size_t got = read_(sink.data(), std::min(remaining, kChunk));
      if (got == 0) {
        eof_ = true;
        break;
      }
      remaining -= got;
    }
    frame.error = "a message longer than " + std::to_string(limits_.max_content_length) +
                  " bytes (Content-Length)";
    return frame;
  }
  while (buffer_.size() - start_ < length) {
    if (!fill()) return std::nullopt;  // the stream ended inside the body
  }
  frame.body = buffer_.substr(start_, length);
  start_ += length;
  return frame;
}

std::string message_text_error(std::string_view json, size_t max_depth) {
  auto hex4 = [&](size_t at) -> long {  // the four hex digits at `at`, or -1
    if (at + 4 > json.size()) return -1;
    long value = 0;
    for (size_t i = at; i < at + 4; ++i) {
      char c = json[i];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    return value;
  };
  size_t depth = 0;
  bool in_string = false;
  bool after_high = false;  // the last escape was a high surrogate, right before this one
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\' && i + 1 < json.size()) {
        ++i;
        long unit = json[i] == 'u' ? hex4(i + 1) : -1;
        bool low = unit >= 0xDC00 && unit <= 0xDFFF;
        if (low && !after_high) {
          return "a \\u escape of a lone low surrogate (\\u" + std::string(json.substr(i + 1, 4)) +
                 "), which is not text";
        }
        after_high = unit >= 0xD800 && unit <= 0xDBFF;
        if (unit >= 0) i += 4;
        continue;
      }
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return "the message nests arrays and objects more than " + std::to_string(max_depth) +
               " levels deep";
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    after_high = false;
  }
  return "";
}

std::string frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace stacklint::lsp
