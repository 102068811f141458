#include "rules/checks/value_tests.h"

namespace stacklint::rules {

using graph::Truth;
using graph::Value;
using graph::ValueKind;

Truth text_in(const Value& value, std::initializer_list<std::string_view> texts,
              Truth when_absent) {
  return graph::for_all_alternatives(value, [&](const Value& v) {
    if (v.is_absent()) return when_absent;
    if (v.kind != ValueKind::Scalar) return Truth::Unknown;
    for (std::string_view text : texts) {
      if (v.text == text) return Truth::True;
    }
    return Truth::False;
  });
}

Truth is_true(const Value& value) {
  return graph::for_all_alternatives(value, [](const Value& v) {
    if (v.is_absent()) return Truth::False;
    std::optional<bool> b = v.as_bool();
    if (v.kind != ValueKind::Scalar || !b) return Truth::Unknown;
    return *b ? Truth::True : Truth::False;
  });
}

Truth number_is(const Value& value, Truth when_absent, const std::function<bool(double)>& test) {
  return graph::for_all_alternatives(value, [&](const Value& v) {
    if (v.is_absent() || v.kind == ValueKind::Null) return when_absent;
    std::optional<double> number = v.as_number();
    if (!number) return Truth::Unknown;
    return test(*number) ? Truth::True : Truth::False;
  });
}

}  // namespace stacklint::rules
