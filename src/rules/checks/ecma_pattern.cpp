#include "rules/checks/ecma_pattern.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace stacklint::rules::patterns {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Calls `at(i)` for each character of a pattern from `from` on that is neither escaped nor in
// a character class (an escape's braces, \x{...} and \p{...}, are the escape's), until `at`
// returns false.
template <typename At>
void for_each_unescaped(std::string_view p, size_t from, At at) {
  bool in_class = false;
  for (size_t i = from; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 2 < p.size() && (p[i + 1] == 'x' || p[i + 1] == 'p' || p[i + 1] == 'P') &&
          p[i + 2] == '{') {
        i = p.find('}', i);
        if (i == std::string_view::npos) return;
      } else {
        ++i;
      }
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;
    } else if (!at(i)) {
      return;
    }
  }
}

// The index of the ')' that closes the group opened at `open`, or npos; escapes and character
// classes inside are skipped over.
size_t group_end(std::string_view p, size_t open) {
  int depth = 0;
  size_t end = std::string_view::npos;
  for_each_unescaped(p, open, [&](size_t i) {
    if (p[i] == '(') {
      ++depth;
    } else if (p[i] == ')' && --depth == 0) {
      end = i;
      return false;
    }
    return true;
  });
  return end;
}

}  // namespace

std::optional<std::string> to_re2(std::string_view p, bool unicode) {
  std::string out;
  out.reserve(p.size() + 8);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;
      char e = p[++i];
      if (e == 'u') {
        if (i + 1 < p.size() && p[i + 1] == '{') {
          size_t close = p.find('}', i + 2);
          if (close == std::string_view::npos) return std::nullopt;
          out.append("\\x{").append(p.substr(i + 2, close - i - 2)).append("}");
          i = close;
        } else if (i + 4 < p.size() && is_hex(p[i + 1]) && is_hex(p[i + 2]) && is_hex(p[i + 3]) &&
                   is_hex(p[i + 4])) {
          out.append("\\x{").append(p.substr(i + 1, 4)).append("}");
          i += 4;
        } else {
          return std::nullopt;
        }
        continue;
      }
      if (e >= '1' && e <= '9' && !in_class) return std::nullopt;  // a back reference
      if (e == 'k' && i + 1 < p.size() && p[i + 1] == '<') return std::nullopt;
      if (e == 'c' && i + 1 < p.size() && is_letter(p[i + 1])) {
        char control = static_cast<char>(p[++i] % 32);
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "\\x{%x}", control);
        out.append(buffer);
        continue;
      }
      if (e == '0') {
        out.append("\\x{0}");
        continue;
      }
      if (in_class && e == 'b') {  // backspace inside a class
        out.append("\\x{8}");
        continue;
      }
      // \Z and \A: not ECMA, but the schemas use them as Python (cfn-lint) reads them, for
      // the end and the start of the text.
      if (e == 'Z' || e == 'z') {
        out.append("\\z");
        continue;
      }
      // Unicode properties re2 lacks (Python's regex has them): ASCII exactly; Graph and Print
      // as "no control character" (a little wider: never a false mismatch). In a class only
      // ASCII can be written.
      if ((e == 'p' || e == 'P') && p.substr(i + 1, 1) == "{") {
        size_t close = p.find('}', i);
        if (close == std::string_view::npos) return std::nullopt;
        std::string_view name = p.substr(i + 2, close - i - 2);
        std::string replacement;
        if (name == "ASCII" && e == 'p') {
          replacement = in_class ? "\\x00-\\x7F" : "[\\x00-\\x7F]";
        } else if ((name == "Graph" || name == "Print") && e == 'p' && !in_class) {
          replacement = name == "Graph" ? "[^\\s\\p{Cc}\\p{Cs}]" : "[^\\p{Cc}\\p{Cs}]";
        } else if (name == "ASCII" || name == "Graph" || name == "Print" || name == "Alnum" ||
                   name == "Alpha" || name == "Punct" || name == "Space") {
          return std::nullopt;
        }
        if (!replacement.empty()) {
          out.append(replacement);
          i = close;
          continue;
        }
      }
      // \w, \d and \s are ASCII to re2 but Unicode to Python (cfn-lint) and to ECMA-262's
      // \s: written out so that "café" or a no-break space is not refused where the schema
      // takes it. (\W, \D, \S stay: re2's are wider, never a false mismatch.)
      if ((e == 'w' || e == 'd') && !unicode) {
        out.push_back('\\');
        out.push_back(e);
        continue;
      }
      if (e == 'w' || e == 'd' || e == 's') {
        std::string_view members = e == 'w'   ? "\\p{L}\\p{M}\\p{N}_"
                                   : e == 'd' ? "\\p{Nd}"
                                   : unicode  ? "\\s\\p{Z}\\x{b}\\x{1c}-\\x{1f}\\x{85}\\x{feff}"
                                              : "\\s\\x{b}\\x{1c}-\\x{1f}";
        if (in_class) {
          out.append(members);
          // A '-' after a class escape is a literal in ECMA-262 and Python, not a range.
          if (i + 1 < p.size() && p[i + 1] == '-' && i + 2 < p.size() && p[i + 2] != ']') {
            out.append("\\-");
            ++i;
          }
        } else {
          out.append("[").append(members).append("]");
        }
        continue;
      }
      static constexpr std::string_view kEscapes = "dDwWsSbBnrtfvxpPA";
      if (is_letter(e) && kEscapes.find(e) == std::string_view::npos) {
        return std::nullopt;  // read differently by ECMA-262 and by Python: not guessed at
      }
      if (e == '_') {
        out.push_back('_');
        continue;
      }
      out.push_back('\\');
      out.push_back(e);
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      if (i + 1 < p.size() && p[i + 1] == '^') out.push_back(p[++i]);
      if (i + 1 < p.size() && p[i + 1] == ']') {
        // ECMA's [] matches nothing and [^] anything; re2 reads ] there as a member.
        return std::nullopt;
      }
      continue;
    }
    // re2 counts repetitions up to 1000: a larger upper bound becomes none (wider, so never a
    // false mismatch; the schema's maxLength still bounds the text); a larger lower one is
    // skipped.
    if (c == '{') {
      size_t close = p.find('}', i);
      std::string_view inside =
          close == std::string_view::npos ? std::string_view() : p.substr(i + 1, close - i - 1);
      size_t comma = inside.find(',');
      auto number = [](std::string_view digits) -> std::optional<unsigned long> {
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos)
          return std::nullopt;
        return std::stoul(std::string(digits));
      };
      std::optional<unsigned long> low = number(inside.substr(0, comma));
      if (low) {
        std::optional<unsigned long> high =
            comma == std::string_view::npos ? low : number(inside.substr(comma + 1));
        if (*low > 1000) return std::nullopt;
        if (high && *high > 1000) {
          out.append("{").append(std::to_string(*low)).append(",}");
          i = close;
          continue;
        }
      }
    }
    if (c == '(' && i + 2 < p.size() && p[i + 1] == '?') {
      char k = p[i + 2];
      bool lookbehind = k == '<' && i + 3 < p.size() && (p[i + 3] == '=' || p[i + 3] == '!');
      if (k == '=' || k == '!' || lookbehind) {
        // A lookaround only ever refuses a match, so without it the pattern accepts more: a
        // value that does not match it does not match the schema's either. (A quantified
        // assertion cannot simply be dropped: skipped.)
        size_t close = group_end(p, i);
        if (close == std::string_view::npos) return std::nullopt;
        if (close + 1 < p.size() &&
            std::string_view("*+?{").find(p[close + 1]) != std::string_view::npos) {
          return std::nullopt;
        }
        i = close;
        continue;
      }
      if (k == '<') {
        out.append("(?P<");
        i += 2;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

namespace {

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::unique_ptr<re2::RE2> compile(const std::string& translated, bool latin1) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  if (latin1) options.set_encoding(re2::RE2::Options::EncodingLatin1);
  auto regex = std::make_unique<re2::RE2>(translated, options);
  return regex->ok() ? std::move(regex) : nullptr;
}

// The end of the one-character atom at `i` (a bracket class, `.`, a class escape such as \d or
// \p{L}, an escaped punctuation mark, or a plain character), or npos when `i` starts anything
// else (a group, an assertion, a quantifier, the end).
size_t atom_end(std::string_view p, size_t i) {
  if (i >= p.size()) return std::string_view::npos;
  char c = p[i];
  if (c == '[') {
    ++i;
    if (i < p.size() && p[i] == '^') ++i;
    if (i < p.size() && p[i] == ']') ++i;  // a literal ] first
    for (;; ++i) {
      if (i >= p.size() || p[i] == '[') return std::string_view::npos;  // [:alpha:]: not here
      if (p[i] == ']') return i + 1;
      if (p[i] != '\\') continue;
      if (++i >= p.size()) return std::string_view::npos;
      if ((p[i] == 'x' || p[i] == 'p' || p[i] == 'P') && i + 1 < p.size() && p[i + 1] == '{') {
        i = p.find('}', i);
        if (i == std::string_view::npos) return i;
      }
    }
  }
  if (c == '\\') {
    if (i + 1 >= p.size()) return std::string_view::npos;
    char e = p[i + 1];
    if (std::string_view("dDsSwW").find(e) != std::string_view::npos) return i + 2;
    if ((e == 'x' || e == 'p' || e == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
      size_t close = p.find('}', i);
      return close == std::string_view::npos ? close : close + 1;
    }
    if ((e == 'p' || e == 'P') && i + 2 < p.size() && is_letter(p[i + 2])) return i + 3;
    // An escaped punctuation mark is itself; an escaped letter or digit may be an assertion
    // (\b, \z) or a back reference.
    bool punctuation =
        !is_letter(e) && !(e >= '0' && e <= '9') && static_cast<unsigned char>(e) < 0x80;
    return punctuation ? i + 2 : std::string_view::npos;
  }
  if (std::string_view("^$|?*+(){}]").find(c) != std::string_view::npos)
    return std::string_view::npos;
  return static_cast<unsigned char>(c) < 0x80 ? i + 1 : std::string_view::npos;
}

// A pattern that ends in one repeated character, `^PC{m,n}$` (P a run of one-character atoms,
// possibly none; C one such atom; also {m,} and {n}; \z for $): RE2 compiles a copy of C per
// repetition, and the tag patterns' {1,128} to {1,1000} cost more to compile than the whole
// corpus costs to match. On ASCII text (one byte, one character) it matches exactly when
// `^PC*$` does and the length is within [|P| + m, |P| + n], so the Latin-1 program is compiled
// as `^PC*$`, bounds apart. Without the final $, a match of PC{m,n} is one of PC{m} (n only
// lets it go on), whatever the text: the program is PC{m}, without bounds.
struct Repeated {
  std::string each;  // ^PC*$, or PC{m}
  size_t least = 0, most = std::string_view::npos;
};

std::optional<Repeated> repeated_character(std::string_view p) {
  bool anchored = !p.empty() && p.front() == '^';
  size_t i = anchored ? 1 : 0;
  // The atoms, one character each: the last is the one repeated.
  size_t atoms = 0, last = i, end = i;
  while (true) {
    size_t next = atom_end(p, end);
    if (next == std::string_view::npos) break;
    last = end;
    end = next;
    ++atoms;
  }
  if (atoms == 0 || end >= p.size() || p[end] != '{') return std::nullopt;
  size_t close = p.find('}', end);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view bounds = p.substr(end + 1, close - end - 1);  // "m,n"
  std::string_view rest = p.substr(close + 1);
  bool to_the_end = rest == "$" || rest == "\\z";
  if (!rest.empty() && !(anchored && to_the_end)) return std::nullopt;
  size_t comma = bounds.find(',');
  auto number = [](std::string_view digits, size_t& out) {
    if (digits.empty() || digits.size() > 6) return false;
    out = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<size_t>(c - '0');
    }
    return true;
  };
  size_t least = 0, most = 0;
  if (!number(bounds.substr(0, comma), least)) return std::nullopt;
  if (comma == std::string_view::npos) {
    most = least;
  } else if (comma + 1 == bounds.size()) {
    most = std::string_view::npos;
  } else if (!number(bounds.substr(comma + 1), most) || most < least) {
    return std::nullopt;
  }
  std::string_view prefix = p.substr(0, last);  // with its ^
  std::string_view atom = p.substr(last, end - last);
  Repeated r;
  if (!to_the_end) {
    constexpr size_t kFewCopies = 16;  // PC{m} copies C m times: for a small m only
    if (least > kFewCopies || most == least) return std::nullopt;
    r.each.append(prefix).append(atom);
    if (least != 1) r.each.append("{").append(std::to_string(least)).append("}");
    return r;
  }
  size_t fixed = atoms - 1;
  r.each.append(prefix).append(atom).append("*$");
  r.least = fixed + least;
  r.most = most == std::string_view::npos ? most : fixed + most;
  return r;
}

// The top-level alternatives of a pattern (A|B: a match of either is one of the pattern), or
// the pattern alone. Also alone when it sets flags ((?i)...), which reach past a |.
std::vector<std::string_view> alternatives(std::string_view p) {
  std::vector<std::string_view> out;
  for (size_t at = p.find("(?"); at != std::string_view::npos; at = p.find("(?", at + 2)) {
    if (at + 2 < p.size() && p[at + 2] != ':' && p[at + 2] != 'P') return {p};
  }
  int depth = 0;
  size_t from = 0;
  for_each_unescaped(p, 0, [&](size_t i) {
    if (p[i] == '(') {
      ++depth;
    } else if (p[i] == ')') {
      --depth;
    } else if (p[i] == '|' && depth == 0) {
      out.push_back(p.substr(from, i - from));
      from = i + 1;
    }
    return true;
  });
  out.push_back(p.substr(from));
  return out;
}

// The pattern with each long bounded repetition X{m,n} (n of at least kLongBound) made X{m,}, and
// in `up_to` the smallest such n; nullopt when it has none. On a text of at most `up_to`
// characters no match repeats X more than n times (X's empty matches apart, which are not
// needed), so the two decide alike there, and RE2 compiles m copies of X instead of n.
constexpr size_t kLongBound = 32;

std::optional<std::string> relaxed_bounds(std::string_view p, size_t& up_to) {
  std::string out;
  up_to = std::string_view::npos;
  size_t copied = 0;  // p up to here is in `out`
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char x) { return x >= '0' && x <= '9'; });
  };
  for_each_unescaped(p, 0, [&](size_t i) {
    if (p[i] != '{') return true;
    size_t close = p.find('}', i);
    if (close == std::string_view::npos) return true;
    std::string_view bounds = p.substr(i + 1, close - i - 1);
    size_t comma = bounds.find(',');
    if (comma == 0 || comma == std::string_view::npos || comma + 1 == bounds.size() ||
        bounds.size() > 13)
      return true;
    std::string_view least = bounds.substr(0, comma), most = bounds.substr(comma + 1);
    if (!digits(least) || !digits(most)) return true;
    size_t n = std::stoul(std::string(most));
    if (n < kLongBound || std::stoul(std::string(least)) > n) return true;
    out.append(p.substr(copied, i - copied)).append("{").append(least).append(",}");
    copied = close + 1;
    up_to = std::min(up_to, n);
    return true;
  });
  if (copied == 0) return std::nullopt;
  out.append(p.substr(copied));
  return out;
}

// A pattern in up to three compiled forms, each made on first need and kept for the process's
// life. For ASCII text, the ASCII classes' form in Latin-1: an ASCII pattern reads the same
// runes either way, and on ASCII text every class, `.` and case folding decide the same as in
// UTF-8, but the program is a fraction of the size (a UTF-8 program spells out every Unicode
// range of \p{L} once per repetition: ^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$, the tag key
// pattern, took 0.4 G instructions to compile). A pattern with non-ASCII text, or one Latin-1
// cannot hold (\x{2028}), uses the UTF-8 form. For other text, the ASCII classes' form in UTF-8
// and the Unicode one, as before.
struct Compiled {
  // One program of the Latin-1 form: for a repeated character's `^PC*$`, the text's length must
  // be within [least, most] too.
  struct Program {
    std::unique_ptr<re2::RE2> regex;
    size_t least = 0, most = std::string_view::npos;
  };
  std::optional<std::string> ascii_text;  // to_re2(pattern, false)
  // The Latin-1 form: one program, or one per top-level alternative when some alternative is a
  // repeated character (a text matches when one of them does); empty to use `ascii`.
  std::vector<Program> for_ascii;
  // Else, when the pattern has long bounded repetitions: its relaxed_bounds() form in Latin-1,
  // for ASCII texts of at most `relaxed_up_to` characters; longer ones use `latin1`, the
  // Latin-1 form as written, compiled on first need (most texts are short).
  std::unique_ptr<re2::RE2> relaxed;
  size_t relaxed_up_to = 0;
  std::once_flag ascii_once, unicode_once, latin1_once;
  std::unique_ptr<re2::RE2> ascii, unicode;  // UTF-8 forms
  std::unique_ptr<re2::RE2> latin1;

  re2::RE2* latin1_as_written() {
    std::call_once(latin1_once, [&] { latin1 = compile(*ascii_text, true); });
    return latin1.get();
  }

  re2::RE2* utf8_ascii() {
    std::call_once(ascii_once, [&] {
      if (ascii_text) ascii = compile(*ascii_text, false);
    });
    return ascii.get();
  }
};

// The Latin-1 programs of an ASCII pattern with a repeated character (see Compiled::for_ascii);
// empty when it has none, or when RE2 refuses one.
std::vector<Compiled::Program> repeated_programs(const std::string& pattern) {
  std::vector<Compiled::Program> programs;
  std::vector<std::string_view> branches = alternatives(pattern);
  std::vector<std::optional<Repeated>> repeated;
  for (std::string_view branch : branches) repeated.push_back(repeated_character(branch));
  if (std::any_of(repeated.begin(), repeated.end(), [](const auto& r) { return r.has_value(); })) {
    for (size_t i = 0; i < branches.size(); ++i) {
      Compiled::Program& program = programs.emplace_back();
      program.regex = compile(repeated[i] ? repeated[i]->each : std::string(branches[i]), true);
      if (repeated[i]) {
        program.least = repeated[i]->least;
        program.most = repeated[i]->most;
      }
      // A rewritten program that RE2 refuses says nothing of the whole pattern: compiled as
      // written.
      if (program.regex == nullptr) {
        programs.clear();
        break;
      }
    }
    if (!programs.empty()) return programs;
  }
  return programs;
}

Compiled& compiled(std::string_view pattern) {
  static std::shared_mutex mutex;
  static std::unordered_map<std::string_view, std::unique_ptr<Compiled>> cache;
  {
    std::shared_lock lock(mutex);
    auto it = cache.find(pattern);
    if (it != cache.end()) return *it->second;
  }
  auto entry = std::make_unique<Compiled>();
  entry->ascii_text = to_re2(pattern, false);
  if (entry->ascii_text && is_ascii(*entry->ascii_text)) {
    const std::string& text = *entry->ascii_text;
    entry->for_ascii = repeated_programs(text);
    size_t up_to = 0;
    std::optional<std::string> relaxed;
    if (entry->for_ascii.empty() && (relaxed = relaxed_bounds(text, up_to))) {
      entry->relaxed = compile(*relaxed, true);
      entry->relaxed_up_to = up_to;
    }
    if (entry->for_ascii.empty() && entry->relaxed == nullptr) {
      if (std::unique_ptr<re2::RE2> whole = compile(text, true))
        entry->for_ascii.push_back({std::move(whole)});
    }
  }
  std::unique_lock lock(mutex);
  auto [it, inserted] = cache.try_emplace(pattern, std::move(entry));
  return *it->second;
}

}  // namespace

std::optional<bool> match(std::string_view pattern, std::string_view text) {
  Compiled& entry = compiled(pattern);
  if (!entry.ascii_text) return std::nullopt;
  bool ascii_text = is_ascii(text);
  if (ascii_text && !entry.for_ascii.empty()) {
    return std::any_of(entry.for_ascii.begin(), entry.for_ascii.end(), [&](const auto& program) {
      return text.size() >= program.least && text.size() <= program.most &&
             re2::RE2::PartialMatch(text, *program.regex);
    });
  }
  if (ascii_text && entry.relaxed != nullptr) {
    if (text.size() <= entry.relaxed_up_to) return re2::RE2::PartialMatch(text, *entry.relaxed);
    if (re2::RE2* latin1 = entry.latin1_as_written()) return re2::RE2::PartialMatch(text, *latin1);
  }
  re2::RE2* ascii = entry.utf8_ascii();
  if (ascii == nullptr) return std::nullopt;
  // Where the ASCII classes match, the Unicode ones do too; on ASCII text they are the same.
  if (re2::RE2::PartialMatch(text, *ascii)) return true;
  if (ascii_text) return false;
  std::call_once(entry.unicode_once, [&] {
    if (std::optional<std::string> translated = to_re2(pattern, true))
      entry.unicode = compile(*translated, false);
  });
  if (entry.unicode == nullptr) return std::nullopt;
  return re2::RE2::PartialMatch(text, *entry.unicode);
}

}  // namespace stacklint::rules::patterns
