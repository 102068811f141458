// The registry schemas' `pattern`s are ECMA-262 regular expressions; stacklint matches them with
// re2. What translates exactly is translated; lookarounds are dropped, which only widens what
// a pattern accepts (so a mismatch stays certain); a pattern re2 cannot run otherwise (back
// references, \p{Graph} inside a class) is skipped, never guessed at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stacklint::rules::patterns {

// The pattern in re2's syntax: \uXXXX and \u{X} become \x{...}, (?<name> becomes (?P<name>,
// \Z (Python's end of text, which some schemas use) becomes \z, a repetition bound over re2's
// 1000 is dropped, lookahead and lookbehind assertions are dropped (the result accepts every
// text the pattern accepts, and perhaps more); \w, \d, \s as Python (cfn-lint) reads them:
// Unicode classes when `unicode`, else their ASCII part. nullopt for what re2 has no equivalent
// of (back references, a quantified assertion) and for escaped letters that ECMA-262 and Python
// read differently.
std::optional<std::string> to_re2(std::string_view ecma, bool unicode = true);

// Whether `text` matches `pattern` anywhere (a JSON Schema pattern is not anchored); nullopt
// when the pattern is skipped (see to_re2, or re2 refuses it). Each pattern is compiled once
// for the process's life (ASCII text runs a Latin-1 program of the ASCII-class form, which on
// ASCII text decides as the UTF-8 one does, at a fraction of the compile cost), its UTF-8 and
// Unicode forms only when a non-ASCII text needs them; thread-safe.
// `pattern` must outlive the process (the specification's text does).
std::optional<bool> match(std::string_view pattern, std::string_view text);

}  // namespace stacklint::rules::patterns
