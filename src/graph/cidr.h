// CIDR blocks: parsing and the containment and overlap tests the network rules need.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stacklint::graph {

struct Cidr {
  bool is_ipv6 = false;
  std::array<uint8_t, 16> address{};  // IPv4 uses the first four bytes
  int prefix = 0;

  uint32_t address_v4() const;
  bool contains(const Cidr& other) const;
  bool overlaps(const Cidr& other) const;
};

// "10.0.0.0/16" or "2001:db8::/56"; nullopt for anything else.
std::optional<Cidr> parse_cidr(std::string_view text);
std::string format_ipv4_cidr(uint32_t address, int prefix);

}  // namespace stacklint::graph
