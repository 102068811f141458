#include "load/loader.h"

#include <algorithm>

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

// UTF-16 and UTF-32, by their byte order mark or, without one, by where the NUL bytes of ASCII
// text fall (the way YAML 1.2 section 5.2 detects an encoding). Empty when neither.
std::string utf16_or_32(const std::string& s) {
  auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0x100; };
  if (at(0) == 0x00 && at(1) == 0x00 && at(2) == 0xFE && at(3) == 0xFF)
    return "UTF-32 (big-endian, with a byte order mark)";
  if (at(0) == 0xFF && at(1) == 0xFE && at(2) == 0x00 && at(3) == 0x00)
    return "UTF-32 (little-endian, with a byte order mark)";
  if (at(0) == 0xFE && at(1) == 0xFF) return "UTF-16 (big-endian, with a byte order mark)";
  if (at(0) == 0xFF && at(1) == 0xFE) return "UTF-16 (little-endian, with a byte order mark)";
  if (s.size() < 4) return "";
  if (at(0) == 0x00 && at(1) == 0x00 && at(2) == 0x00 && at(3) != 0x00)
    return "UTF-32 (big-endian)";
  if (at(0) != 0x00 && at(1) == 0x00 && at(2) == 0x00 && at(3) == 0x00)
    return "UTF-32 (little-endian)";
  if (at(0) == 0x00 && at(1) != 0x00 && at(2) == 0x00 && at(3) != 0x00)
    return "UTF-16 (big-endian)";
  if (at(0) != 0x00 && at(1) == 0x00 && at(2) != 0x00 && at(3) == 0x00)
    return "UTF-16 (little-endian)";
  return "";
}

bool named_json(const Source& source) {
  const std::string& path = source.path();
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

// After the opening `{` or `[`, a quoted string: JSON's way, rarely YAML flow style's.
bool looks_like_json(const std::string& s, size_t from) {
  size_t i = s.find_first_not_of(" \t\r\n", from);
  if (i == std::string::npos || (s[i] != '{' && s[i] != '[')) return false;
  i = s.find_first_not_of(" \t\r\n", i + 1);
  return i != std::string::npos && s[i] == '"';
}

Loaded failure(const Source& source, size_t offset, std::string message) {
  Loaded loaded;
  Position at = source.position_at(offset);
  loaded.error = LoadError{std::move(message), {at, at}};
  return loaded;
}

}  // namespace

Loaded load(const Source& source, const Limits& limits) {
  const std::string& s = source.bytes();
  // A Source keeps at most Source::kMaxBytes: a larger limit reads no more than that.
  size_t max_bytes = std::min(limits.max_bytes, Source::kMaxBytes);
  if (source.full_size() > max_bytes) {
    // A file cut short by a bounded read (standard input) only says that it was too long.
    std::string size = source.full_size() > s.size()
                           ? std::to_string(source.full_size() / (1024 * 1024)) + " MB"
                           : "more than that";
    return failure(source, 0,
                   "the file is too large: stacklint reads at most " +
                       std::to_string(max_bytes / (1024 * 1024)) + " MB, the file is " + size +
                       "; CloudFormation accepts at most 1 MB");
  }
  if (std::string encoding = utf16_or_32(s); !encoding.empty()) {
    return failure(source, 0,
                   "the file is encoded as " + encoding +
                       "; CloudFormation reads templates only as UTF-8: save it as UTF-8");
  }
  if (size_t nul = s.find('\0'); nul != std::string::npos) {
    return failure(source, nul, "the file contains a NUL byte: it is binary, not a template");
  }
  if (size_t bad = find_invalid_utf8(s); bad != std::string::npos) {
    return failure(source, bad, "the file is not valid UTF-8 (CloudFormation requires UTF-8)");
  }
  Loaded loaded =
      detect_format(source) == Format::Json ? load_json(source, limits) : load_yaml(source, limits);
  // A file that starts with `{` or `[` and is not JSON may be YAML in flow style (YAML is a
  // superset of JSON): read it as YAML, unless its name says JSON.
  if (loaded.error && detect_format(source) == Format::Json && !named_json(source)) {
    Loaded yaml = load_yaml(source, limits);
    // Neither: YAML's error, unless the text looks like JSON (a quoted first key or item).
    if (!yaml.error || !looks_like_json(s, source.content_start())) return yaml;
  }
  if (!loaded.error && loaded.document.root == nullptr) {
    return failure(source, source.content_start(),
                   "the file is empty: a template needs a Resources section");
  }
  return loaded;
}

}  // namespace stacklint::load
