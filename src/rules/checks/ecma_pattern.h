// The registry schemas' `pattern`s are ECMA-262 regular expressions; stacklint matches them with
// re2. What translates exactly is translated; lookarounds are dropped, which only widens what
// a pattern accepts (so a mismatch stays certain); a pattern re2 cannot run otherwise (back
// references, \p{Graph} inside a class) is skipped, never guessed at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace stacklint::rules::patterns {

// The pattern in re2's syntax: \uXXXX and \u{X} become \x{...}, (?<name> becomes (?P<name>,
// \Z (Python's end of text, which some schemas use) becomes \z, a repetition bound over re2's
// 1000 is dropped, lookahead and lookbehind assertions are dropped (the result accepts every
// text the pattern accepts, and perhaps more); nullopt for what re2 has no equivalent of (back
// references, a quantified assertion) and for escaped letters that ECMA-262 and Python read
// differently.
std::optional<std::string> to_re2(std::string_view ecma);

// The compiled pattern, or null when it is skipped (see to_re2, or re2 refuses it). Compiled
// once per pattern text for the process's life; thread-safe. `pattern` must outlive the process
// (the specification's text does). Match with RE2::PartialMatch: a JSON Schema pattern is not
// anchored.
const re2::RE2* compiled(std::string_view pattern);

}  // namespace stacklint::rules::patterns
