#include "graph/cidr.h"

#include <arpa/inet.h>

#include <charconv>

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

}  // namespace

bool Cidr::contains(const Cidr& other) const {
  return is_ipv6 == other.is_ipv6 && prefix <= other.prefix &&
         same_prefix(address, other.address, prefix);
}

bool Cidr::overlaps(const Cidr& other) const {
  return contains(other) || other.contains(*this);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string host(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (error != std::errc() || end != bits.data() + bits.size()) return std::nullopt;
  Cidr cidr;
  if (host.find(':') != std::string::npos) {
    cidr.is_ipv6 = true;
    if (inet_pton(AF_INET6, host.c_str(), cidr.address.data()) != 1 || prefix < 0 || prefix > 128) {
      return std::nullopt;
    }
  } else {
    if (inet_pton(AF_INET, host.c_str(), cidr.address.data()) != 1 || prefix < 0 || prefix > 32) {
      return std::nullopt;
    }
  }
  cidr.prefix = prefix;
  return cidr;
}

std::string format_ipv4_cidr(uint32_t address, int prefix) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xFF) + "." +
         std::to_string((address >> 8) & 0xFF) + "." + std::to_string(address & 0xFF) + "/" +
         std::to_string(prefix);
}

}  // namespace stacklint::graph
