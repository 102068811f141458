// Three-valued tests on resolved values that several checks share: true for every Fn::If branch,
// false for none, unknown otherwise.
#pragma once

#include <functional>
#include <initializer_list>
#include <string_view>

#include "graph/value.h"

namespace stacklint::rules {

// The value is a scalar among `texts` (compared exactly); `when_absent` when it is missing.
graph::Truth text_in(const graph::Value& value, std::initializer_list<std::string_view> texts,
                     graph::Truth when_absent = graph::Truth::False);

// The value is boolean true (Value::as_bool); a missing value is false.
graph::Truth is_true(const graph::Value& value);

// The value is a number (Value::as_number) for which `test` holds; `when_absent` when it is
// missing; unknown when it is not a number.
graph::Truth number_is(const graph::Value& value, graph::Truth when_absent,
                       const std::function<bool(double)>& test);

}  // namespace stacklint::rules
