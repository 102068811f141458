// JSON-RPC 2.0 messages framed as the Language Server Protocol frames them on a byte stream:
// `Content-Length: N\r\n` (other headers allowed), an empty line, then N bytes of JSON.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace stacklint::lsp {

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestCancelled = -32800,
  kContentModified = -32801,
};

struct FrameLimits {
  size_t max_header_bytes = 8 * 1024;
  // A 16 MB template (the loader's own limit) as a JSON string, with escapes to spare.
  size_t max_content_length = 64 * 1024 * 1024;
};

// One frame read from the stream: its body, or what was wrong with it (the stream resumes
// after the bad frame, so the server answers with a ParseError and goes on).
struct Frame {
  std::string body;
  std::string error;  // non-empty: a bad header or an over-long body; `body` is empty
};

// Reads frames from a file descriptor (or, for tests, from a function that fills a buffer).
class FrameReader {
 public:
  // `read` fills up to n bytes and returns how many; 0 at the end of the stream.
  using ReadFn = std::function<size_t(char* buffer, size_t n)>;
  explicit FrameReader(ReadFn read, FrameLimits limits = {});
  static FrameReader from_fd(int fd, FrameLimits limits = {});

  // The next frame, or nothing at the end of the stream. A body longer than the limit is read
  // and dropped in small pieces, never held.
  std::optional<Frame> next();
  // Whether a frame's first bytes are already here or can be read without waiting: the server
  // reads ahead through what is waiting before it does slow work.
  bool ready() const;

 private:
  ReadFn read_;
  FrameLimits limits_;
  int fd_ = -1;
  std::string buffer_;
  size_t start_ = 0;  // consumed bytes at the front of buffer_
  bool eof_ = false;
  bool fill();
};

// What the JSON parser lets through that a message must not hold, checked on the text before
// it is parsed: "" when the message is fine, else what is wrong. Arrays and objects nested
// deeper than `max_depth` (LSP messages nest a dozen levels; so neither the parser's stack nor
// its memory grows with a hostile nesting), and a `\uDC00`-`\uDFFF` escape that does not
// follow a high surrogate: RapidJSON would decode it to bytes that are not UTF-8, which would
// reach the templates and every message the server writes.
std::string message_text_error(std::string_view json, size_t max_depth);

// `Content-Length: N\r\n\r\n` and the body.
std::string frame(const std::string& body);

}  // namespace stacklint::lsp
