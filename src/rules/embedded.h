// The rules/*.yaml files, compiled into the binary by the build (see cmake/embed_rules.cmake).
#pragma once

#include <cstddef>

namespace stacklint::rules {

struct EmbeddedRuleFile {
  const char* name;
  const char* text;
};

extern const EmbeddedRuleFile kEmbeddedRuleFiles[];
extern const size_t kEmbeddedRuleFileCount;

}  // namespace stacklint::rules
