// What reaches a terminal or a log (issue 11, kind 7), character by character: the boundaries of
// every range of unsafe code points, one character for one, and bytes that are not UTF-8.
// The formats end to end are tested in tests/hardening_cli_test.sh.
#include <doctest/doctest.h>

#include <string>

#include "report/report.h"

using namespace stacklint;

namespace {

// The UTF-8 bytes of one code point.
std::string utf8(uint32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

bool unsafe(uint32_t c) {
  std::string bytes = utf8(c);
  report::CharAt at = report::char_at(bytes, 0);
  CHECK(at.length == bytes.size());
  return at.unsafe;
}

}  // namespace

TEST_CASE("unsafe code points: each range and its neighbours") {
  // {first, last} of each unsafe range; the code points just outside are safe.
  const std::pair<uint32_t, uint32_t> ranges[] = {
      {0x00, 0x1F},     {0x7F, 0x9F},     {0x061C, 0x061C},   {0x200E, 0x200F},
      {0x2028, 0x202E}, {0x2066, 0x2069}, {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},
      {0xFFF9, 0xFFFB}, {0xFFFE, 0xFFFF}, {0x1FFFE, 0x1FFFF}, {0x10FFFE, 0x10FFFF},
  };
  for (auto [first, last] : ranges) {
    CAPTURE(first);
    CHECK(unsafe(first));
    CHECK(unsafe(last));
    if (first > 0x20) CHECK_FALSE(unsafe(first - 1));
    if (last < 0x10FFFF && last + 1 != 0x7F) CHECK_FALSE(unsafe(last + 1));
  }
  for (uint32_t c : {0x20u, 0x41u, 0x7Eu, 0xA0u, 0xE9u, 0x2027u, 0x202Fu, 0x1F600u, 0xFFFDu}) {
    CAPTURE(c);
    CHECK_FALSE(unsafe(c));
  }
}

TEST_CASE("printable: one character for one, whatever the input") {
  CHECK(report::printable("a\x1b[31mb") == "a?[31mb");
  CHECK(report::printable("tab\there") == "tab here");
  CHECK(report::printable("Bidi\xE2\x80\xAEtxt") == "Bidi?txt");     // U+202E
  CHECK(report::printable("L\xE2\x80\xA8P\xE2\x80\xA9") == "L?P?");  // U+2028/9
  CHECK(report::printable("C1\xC2\x9B"
                          "31m") == "C1?31m");                     // CSI
  CHECK(report::printable("N\xEF\xBF\xBE\xEF\xBF\xBF") == "N??");  // U+FFFE/F
  CHECK(report::printable("caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80");
  // Bytes that are not UTF-8: each one a '?', and the next character read as it is.
  CHECK(report::printable("a\xFF"
                          "b") == "a?b");
  CHECK(report::printable("a\xC3") == "a?");  // cut short at the end
  CHECK(report::printable("a\xE2\x80"
                          "b") == "a??b");       // cut short before an ASCII byte
  CHECK(report::printable("\x80\xBF") == "??");  // continuation bytes alone
  CHECK(report::printable("\xF8\x88\x80\x80\x80") == "?????");
}
