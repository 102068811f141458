// Wildcard matching shared by the checks: IAM action patterns in policies (R151) and the logical
// ids a Fn::ForEach loop generates (the validity rules).
#pragma once

#include <string_view>

namespace stacklint::rules {

struct WildcardSyntax {
  bool ignore_case = false;   // IAM actions compare without case
  bool question_mark = true;  // `?` is any one character (IAM); off where `?` is text
};

// Whether `text` matches `pattern`, where `*` is any run of characters. Iterative with one
// backtrack point, so a pattern of many stars costs no more than a pass per star.
bool wildcard_match(std::string_view pattern, std::string_view text, WildcardSyntax syntax = {});

}  // namespace stacklint::rules
