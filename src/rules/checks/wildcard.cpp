#include "rules/checks/wildcard.h"

#include <cctype>

namespace stacklint::rules {

bool wildcard_match(std::string_view pattern, std::string_view text, WildcardSyntax syntax) {
  auto same = [&](char p, char t) {
    if (syntax.question_mark && p == '?') return true;
    if (!syntax.ignore_case) return p == t;
    return std::tolower(static_cast<unsigned char>(p)) ==
           std::tolower(static_cast<unsigned char>(t));
  };
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && same(pattern[p], text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace stacklint::rules
