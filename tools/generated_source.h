// Shared by the build-time tools that write C++ sources (compile_rules.cpp, compile_spec.cpp):
// reading an input, bytes as a string literal, and writing the source only when it changes.
#pragma once

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace stacklint::tools {

// The whole file into `out`; false when it cannot be read.
inline bool read_file(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  out = bytes.str();
  return static_cast<bool>(in);
}

// `bytes` as a C++ string literal: printable ASCII as is, everything else as a three-digit octal
// escape (never followed by a digit that could extend it), a line of source after each newline
// and every 100 characters or so.
inline std::string literal(std::string_view bytes) {
  std::string out = "\"";
  size_t line = 0;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f && c != '?') {  // '?': no trigraph, in any standard
      out += c;
    } else {
      const char octal[] = {'\\', static_cast<char>('0' + (u >> 6)),
                            static_cast<char>('0' + ((u >> 3) & 7)),
                            static_cast<char>('0' + (u & 7)), '\0'};
      out += octal;
    }
    if (c == '\n' || out.size() - line >= 100) {
      out += "\"\n    \"";
      line = out.size();
    }
  }
  return out + "\"";
}

// Writes `text` to `output` (its folder made if needed) through a temporary file, and only when
// it differs from what is there, so that relinking a tool rebuilds nothing else. False, with
// the reason on standard error, when it cannot be written.
inline bool write_if_changed(const std::filesystem::path& output, const std::string& text) {
  namespace fs = std::filesystem;
  std::string old;
  if (fs::exists(output) && read_file(output, old) && old == text) return true;
  fs::path temporary = output;
  temporary += ".tmp";
  std::error_code ignored;  // a folder that cannot be made fails the write below
  if (output.has_parent_path()) fs::create_directories(output.parent_path(), ignored);
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::cerr << temporary.string() << ": cannot write\n";
      return false;
    }
  }
  fs::rename(temporary, output);
  return true;
}

}  // namespace stacklint::tools
