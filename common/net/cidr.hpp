#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dind::net {

enum class Family { v4, v6 };
// A cluster's address families (IP_MODE).
enum class IpMode { ipv4, ipv6, dual };

// An IPv4 or IPv6 address; IPv4 lives in the first 4 bytes.
class Address {
public:
  // Throws dind::Error "'<text>' is not an IPv4 or IPv6 address".
  static Address parse(std::string_view text);
  static bool valid(std::string_view text);
  Family family() const { return family_; }
  int bits() const { return family_ == Family::v4 ? 32 : 128; }
  std::string str() const;  // IPv6 in RFC 5952 form
  // Bit i from the most significant (0-based).
  bool bit(int i) const;
  // This address plus n in its low bits; throws when it wraps.
  Address plus(uint64_t n) const;
  bool operator==(const Address& o) const { return family_ == o.family_ && bytes_ == o.bytes_; }
  bool operator<(const Address& o) const { return family_ != o.family_ ? family_ < o.family_ : bytes_ < o.bytes_; }
  std::array<uint8_t, 16>& bytes() { return bytes_; }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

private:
  Family family_ = Family::v4;
  std::array<uint8_t, 16> bytes_{};
};

// A network: address with host bits cleared, and prefix length.
class Cidr {
public:
  // "10.0.0.0/8", "fd00::/64". Host bits are cleared. Throws dind::Error.
  static Cidr parse(std::string_view text);
  Cidr(const Address& address, int prefix);
  Family family() const { return network_.family(); }
  const Address& network() const { return network_; }
  int prefix() const { return prefix_; }
  std::string str() const;
  bool contains(const Address& a) const;
  bool contains(const Cidr& c) const;
  bool overlaps(const Cidr& c) const;
  // The index-th subnet of length new_prefix inside this network.
  Cidr subnet(uint64_t index, int new_prefix) const;
  // network + n, which must stay inside.
  Address nth(uint64_t n) const;
  // n of the last address a host may take (IPv4's last is the broadcast
  // address); 0 for a network too small to hold hosts.
  uint64_t last_host() const;

private:
  Address network_;
  int prefix_;
};

} // namespace dind::net
