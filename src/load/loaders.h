// The format-specific loaders behind load().
#pragma once

#include "load/loader.h"

namespace stacklint::load {

Loaded load_yaml(const Source& source, const Limits& limits);
// Expects valid UTF-8 without NUL bytes: load() refuses any other file first.
Loaded load_json(const Source& source, const Limits& limits);

}  // namespace stacklint::load
