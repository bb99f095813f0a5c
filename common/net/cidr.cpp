#include "net/cidr.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <arpa/inet.h>

namespace dind::net {

namespace {

Address masked(Address a, int prefix) {
  auto& b = a.bytes();
  for (int i = prefix; i < a.bits(); ++i) b[static_cast<size_t>(i / 8)] &= static_cast<uint8_t>(~(0x80 >> (i % 8)));
  return a;
}

} // namespace

Address Address::parse(std::string_view text) {
  Address a;
  std::string s(text);
  if (s.find(':') != std::string::npos) {
    a.family_ = Family::v6;
    if (inet_pton(AF_INET6, s.c_str(), a.bytes_.data()) == 1) return a;
  } else if (inet_pton(AF_INET, s.c_str(), a.bytes_.data()) == 1) {
    return a;
  }
  throw Error("'" + s + "' is not an IPv4 or IPv6 address");
}

bool Address::valid(std::string_view text) {
  try {
    parse(text);
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::string Address::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(family_ == Family::v4 ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

bool Address::bit(int i) const { return bytes_[static_cast<size_t>(i / 8)] & (0x80 >> (i % 8)); }

Address Address::plus(uint64_t n) const {
  Address a = *this;
  int last = bits() / 8 - 1;
  unsigned carry = 0;
  for (int i = last; i >= 0; --i) {
    unsigned sum = a.bytes_[static_cast<size_t>(i)] + static_cast<unsigned>(n & 0xff) + carry;
    a.bytes_[static_cast<size_t>(i)] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
    n >>= 8;
  }
  if (carry || n) throw Error("address " + str() + " + offset leaves the address space");
  return a;
}

Cidr::Cidr(const Address& address, int prefix) : network_(masked(address, prefix)), prefix_(prefix) {
  if (prefix < 0 || prefix > address.bits()) throw Error("prefix length /" + std::to_string(prefix) + " is out of range");
}

Cidr Cidr::parse(std::string_view text) {
  std::string s = util::trim(text);
  auto slash = s.find('/');
  if (slash == std::string::npos) throw Error("'" + s + "' is not a CIDR (address/prefix)");
  Address a = [&] {
    try {
      return Address::parse(s.substr(0, slash));
    } catch (const Error&) {
      throw Error("'" + s + "' is not a CIDR: bad address");
    }
  }();
  std::string p = s.substr(slash + 1);
  if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > a.bits()) {
    throw Error("'" + s + "' is not a CIDR: bad prefix length");
  }
  return Cidr(a, std::stoi(p));
}

std::string Cidr::str() const { return network_.str() + "/" + std::to_string(prefix_); }

bool Cidr::contains(const Address& a) const {
  return a.family() == family() && masked(a, prefix_) == network_;
}

bool Cidr::contains(const Cidr& c) const { return c.prefix_ >= prefix_ && contains(c.network_); }

bool Cidr::overlaps(const Cidr& c) const { return contains(c) || c.contains(*this); }

Cidr Cidr::subnet(uint64_t index, int new_prefix) const {
  if (new_prefix < prefix_ || new_prefix > network_.bits()) {
    throw Error("cannot split " + str() + " into /" + std::to_string(new_prefix) + " subnets");
  }
  int extra = new_prefix - prefix_;
  if (extra < 64 && index >= (uint64_t{1} << extra)) {
    throw Error(str() + " has no subnet #" + std::to_string(index) + " of size /" + std::to_string(new_prefix));
  }
  Address a = network_;
  auto& b = a.bytes();
  // write index into bits [prefix, new_prefix)
  for (int i = 0; i < extra; ++i) {
    int bitpos = new_prefix - 1 - i;
    if ((index >> i) & 1) b[static_cast<size_t>(bitpos / 8)] |= static_cast<uint8_t>(0x80 >> (bitpos % 8));
  }
  return Cidr(a, new_prefix);
}

Address Cidr::nth(uint64_t n) const {
  Address a = network_.plus(n);
  if (!contains(a)) throw Error(str() + " has no address #" + std::to_string(n));
  return a;
}

uint64_t Cidr::last_host() const {
  int host_bits = network_.bits() - prefix_;
  if (host_bits < 2) return 0;
  uint64_t count = host_bits >= 64 ? UINT64_MAX : (uint64_t{1} << host_bits) - 1;
  return count - 1;
}

} // namespace dind::net
