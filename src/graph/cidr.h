// CIDR blocks: parsing and the containment and overlap tests the network rules need.
//
// Rules compare parsed networks, never CIDR text: `::/0`, `::0/0`, `0:0:0:0:0:0:0:0/0` and
// `0000:...:0000/0` are one network, and so are `0.0.0.0/0` and `10.1.2.3/0` (EC2 masks the
// host bits of a security group rule's CIDR).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stacklint::graph {

struct Cidr {
  bool is_ipv6 = false;
  std::array<uint8_t, 16> address{};  // IPv4 uses the first four bytes; host bits as written
  int prefix = 0;                     // 0..32 for IPv4, 0..128 for IPv6

  uint32_t address_v4() const;
  // Every address of its family (0.0.0.0/0 or ::/0, however written).
  bool is_any() const { return prefix == 0; }
  bool contains(const Cidr& other) const;
  bool overlaps(const Cidr& other) const;
  // Inside the ranges that are never routed on the internet: RFC 1918 (10/8, 172.16/12,
  // 192.168/16), shared address space (100.64/10, RFC 6598), link-local (169.254/16) and
  // loopback for IPv4; unique local (fc00::/7), link-local (fe80::/10) and loopback for IPv6.
  bool is_private() const;
  // The canonical text of the network (host bits cleared): "10.0.0.0/16", "::/0",
  // "2001:db8::/56".
  std::string canonical() const;
};

// A CIDR as EC2 and CloudFormation take it: an IPv4 dotted quad (four decimal numbers 0-255
// without leading zeros) or any valid IPv6 text (RFC 4291 2.2: compressed, uncompressed,
// zero-padded, upper or lower case, with an embedded IPv4 tail), then "/" and a decimal
// prefix length within the family's range (no sign, no leading zero). nullopt for anything
// else, so a rule treats it as unknown.
std::optional<Cidr> parse_cidr(std::string_view text);
std::string format_ipv4_cidr(uint32_t address, int prefix);

}  // namespace stacklint::graph
