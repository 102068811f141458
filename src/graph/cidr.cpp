#include "graph/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace stacklint::graph {

uint32_t Cidr::address_v4() const {
  return (uint32_t{address[0]} << 24) | (uint32_t{address[1]} << 16) | (uint32_t{address[2]} << 8) |
         uint32_t{address[3]};
}

namespace {

// Whether the first `bits` bits of two addresses agree.
bool same_prefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

// A decimal number without sign or leading zero, at most `max`; -1 when it is not one.
int strict_decimal(std::string_view text, int max) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return -1;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    value = value * 10 + (c - '0');
  }
  return value <= max ? value : -1;
}

// Four decimal parts 0-255. inet_pton(AF_INET) would do, but its leniency differs between C
// libraries; EC2's rule is the dotted quad.
bool parse_ipv4(std::string_view text, std::array<uint8_t, 16>& out) {
  for (int part = 0; part < 4; ++part) {
    size_t dot = text.find('.');
    if ((dot == std::string_view::npos) != (part == 3)) return false;
    int value = strict_decimal(text.substr(0, dot), 255);
    if (value < 0) return false;
    out[part] = static_cast<uint8_t>(value);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  return true;
}

Cidr make_v4(uint8_t a, uint8_t b, int prefix) {
  Cidr cidr;
  cidr.address[0] = a;
  cidr.address[1] = b;
  cidr.prefix = prefix;
  return cidr;
}

Cidr make_v6(uint8_t a, uint8_t b, int prefix) {
  Cidr cidr = make_v4(a, b, prefix);
  cidr.is_ipv6 = true;
  return cidr;
}

}  // namespace

bool Cidr::contains(const Cidr& other) const {
  return is_ipv6 == other.is_ipv6 && prefix <= other.prefix &&
         same_prefix(address, other.address, prefix);
}

bool Cidr::overlaps(const Cidr& other) const {
  return contains(other) || other.contains(*this);
}

bool Cidr::is_private() const {
  static const std::array<Cidr, 6> kV4 = {make_v4(10, 0, 8),     make_v4(172, 16, 12),
                                          make_v4(192, 168, 16), make_v4(100, 64, 10),
                                          make_v4(169, 254, 16), make_v4(127, 0, 8)};
  static const std::array<Cidr, 2> kV6 = {make_v6(0xFC, 0, 7), make_v6(0xFE, 0x80, 10)};
  if (is_ipv6) {
    if (prefix == 128 &&
        std::all_of(address.begin(), address.end() - 1, [](uint8_t byte) { return byte == 0; }) &&
        address[15] == 1) {
      return true;  // ::1
    }
    for (const Cidr& range : kV6) {
      if (range.contains(*this)) return true;
    }
    return false;
  }
  for (const Cidr& range : kV4) {
    if (range.contains(*this)) return true;
  }
  return false;
}

std::string Cidr::canonical() const {
  std::array<uint8_t, 16> network{};
  for (int bit = 0; bit < prefix; ++bit) {
    network[bit / 8] |= static_cast<uint8_t>(address[bit / 8] & (0x80 >> (bit % 8)));
  }
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (inet_ntop(is_ipv6 ? AF_INET6 : AF_INET, network.data(), text.data(), text.size()) ==
      nullptr) {
    return "";
  }
  return std::string(text.data()) + "/" + std::to_string(prefix);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view host = text.substr(0, slash);
  Cidr cidr;
  cidr.is_ipv6 = host.find(':') != std::string_view::npos;
  cidr.prefix = strict_decimal(text.substr(slash + 1), cidr.is_ipv6 ? 128 : 32);
  if (cidr.prefix < 0) return std::nullopt;
  if (!cidr.is_ipv6) {
    if (!parse_ipv4(host, cidr.address)) return std::nullopt;
    return cidr;
  }
  // inet_pton(AF_INET6) reads exactly RFC 4291's text forms; no scope ids, no brackets.
  if (host.size() >= INET6_ADDRSTRLEN + 8) return std::nullopt;
  std::string copy(host);
  if (inet_pton(AF_INET6, copy.c_str(), cidr.address.data()) != 1) return std::nullopt;
  return cidr;
}

std::string format_ipv4_cidr(uint32_t address, int prefix) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xFF) + "." +
         std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF) + "/" +
         std::to_string(prefix);
}

}  // namespace stacklint::graph
