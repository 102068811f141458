// load: bytes → template tree with positions. The first stage of the pipeline.
#pragma once

#include <optional>
#include <string>

#include "load/node.h"
#include "load/source.h"

namespace stacklint::load {

struct Limits {
  // CloudFormation's own limit is 1 MB. A Source keeps at most Source::kMaxBytes (4 GiB - 1),
  // so a larger value reads no more than that.
  size_t max_bytes = 16 * 1024 * 1024;
  size_t max_depth = 256;
  // Including nodes reached through YAML aliases. About 100 bytes each; a 1 MB template holds
  // at most half a million.
  size_t max_nodes = 1024 * 1024;
};

struct LoadError {
  std::string message;
  Range range;
};

struct Loaded {
  Document document;
  std::optional<LoadError> error;  // set when the file could not be read as YAML/JSON
};

enum class Format { Yaml, Json };

// JSON when the first non-blank character is '{' or '[' (JSON is also YAML, but the JSON
// loader gives better positions and errors), else YAML.
Format detect_format(const Source& source);

// Reads the file as detect_format says; a file that starts like JSON but is not JSON is read as
// YAML flow style (`{Resources: ...}`), unless its name ends in `.json`. Files in UTF-16 or
// UTF-32, with NUL bytes or invalid UTF-8, or larger than `limits.max_bytes` are errors.
Loaded load(const Source& source, const Limits& limits = {});

}  // namespace stacklint::load
