#include "load/loader.h"

#include "load/loaders.h"

namespace stacklint::load {

Format detect_format(const Source& source) {
  const std::string& s = source.bytes();
  for (size_t i = source.content_start(); i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return (c == '{' || c == '[') ? Format::Json : Format::Yaml;
  }
  return Format::Yaml;
}

namespace {

Loaded failure(const Source& source, size_t offset, std::string message) {
  Loaded loaded;
  Position at = source.position_at(offset);
  loaded.error = LoadError{std::move(message), {at, at}};
  return loaded;
}

}  // namespace

Loaded load(const Source& source, const Limits& limits) {
  const std::string& s = source.bytes();
  if (source.full_size() > limits.max_bytes) {
    // A file cut short by a bounded read (standard input) only says that it was too long.
    std::string size = source.full_size() > s.size()
                           ? std::to_string(source.full_size() / (1024 * 1024)) + " MB"
                           : "more than that";
    return failure(source, 0,
                   "the file is too large: stacklint reads at most " +
                       std::to_string(limits.max_bytes / (1024 * 1024)) + " MB, the file is " +
                       size + "; CloudFormation accepts at most 1 MB");
  }
  if (size_t nul = s.find('\0'); nul != std::string::npos) {
    return failure(source, nul, "the file contains a NUL byte: it is binary, not a template");
  }
  if (size_t bad = find_invalid_utf8(s); bad != std::string::npos) {
    return failure(source, bad, "the file is not valid UTF-8 (CloudFormation requires UTF-8)");
  }
  Loaded loaded =
      detect_format(source) == Format::Json ? load_json(source, limits) : load_yaml(source, limits);
  if (!loaded.error && loaded.document.root == nullptr) {
    return failure(source, source.content_start(),
                   "the file is empty: a template needs a Resources section");
  }
  return loaded;
}

}  // namespace stacklint::load
