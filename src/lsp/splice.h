// Loading an edited template by reading again only the resource the edit is in. yaml-cpp reads
// about 5 KB per millisecond here, so a 100 KB template costs ~20 ms to load whole, too slow for
// every keystroke; one resource is a few hundred bytes. The result is the tree a whole load
// gives (the tests compare them node by node over every fixture and many edits).
#pragma once

#include <optional>

#include "load/loader.h"

namespace stacklint::lsp {

// `source` is `previous_source` after one edit (any bytes between a common prefix and suffix).
// The tree of `source`, built from `previous` (the tree of `previous_source`) with the one
// resource of the block-style YAML `Resources` mapping that contains the edit read again; or
// nothing when the edit is not inside one resource, or the text uses what a part cannot be read
// without (aliases, directives, a byte order mark), or the resource no longer loads alone: then
// the caller loads the whole text.
std::optional<load::Loaded> load_edited(const load::Source& previous_source,
                                        const load::Loaded& previous, const load::Source& source,
                                        const load::Limits& limits);

}  // namespace stacklint::lsp
