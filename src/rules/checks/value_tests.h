// Three-valued tests on resolved values that several checks share: true for every Fn::If branch,
// false for none, unknown otherwise.
#pragma once

#include <initializer_list>
#include <string_view>

#include "graph/value.h"

namespace stacklint::rules {

// The value is a scalar among `texts` (compared exactly); `when_absent` when it is missing.
graph::Truth text_in(const graph::Value& value, std::initializer_list<std::string_view> texts,
                     graph::Truth when_absent = graph::Truth::False);

// The value is boolean true ("true", any case); a missing value is false.
graph::Truth is_true(const graph::Value& value);

}  // namespace stacklint::rules
