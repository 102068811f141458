// The format-specific loaders behind load().
#pragma once

#include "load/loader.h"

namespace stacklint::load {

Loaded load_yaml(const Source& source, const Limits& limits);
Loaded load_json(const Source& source, const Limits& limits);

}  // namespace stacklint::load
