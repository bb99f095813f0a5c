#include "net/cidr.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using dind::net::Address;
using dind::net::Cidr;

TEST_CASE("cidr parses, masks and formats both families") {
  CHECK(Cidr::parse("10.244.7.9/16").str() == "10.244.0.0/16");
  CHECK(Cidr::parse("FD00:0010:0020:0030::1/64").str() == "fd00:10:20:30::/64");
  CHECK(Cidr::parse(" 0.0.0.0/0 ").prefix() == 0);
  CHECK(Cidr::parse("::/128").str() == "::/128");
}

TEST_CASE("cidr refuses malformed input") {
  for (auto bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "fd00::/129", "fd00:::1/64", "x/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8"}) {
    INFO(bad);
    CHECK_THROWS_AS(Cidr::parse(bad), dind::Error);
  }
}

TEST_CASE("cidr contains and overlaps") {
  auto c = Cidr::parse("10.96.0.0/12");
  CHECK(c.contains(Address::parse("10.111.255.255")));
  CHECK_FALSE(c.contains(Address::parse("10.112.0.0")));
  CHECK_FALSE(c.contains(Address::parse("::1")));
  CHECK(c.overlaps(Cidr::parse("10.100.0.0/16")));
  CHECK(Cidr::parse("10.100.0.0/16").overlaps(c));
  CHECK_FALSE(c.overlaps(Cidr::parse("10.244.0.0/16")));
  CHECK_FALSE(c.overlaps(Cidr::parse("fd00::/8")));
}

TEST_CASE("cidr subnets: the seed's examples") {
  CHECK(Cidr::parse("10.244.0.0/16").subnet(2, 24).str() == "10.244.2.0/24");
  CHECK(Cidr::parse("fd00:10:20:30::/72").subnet(2, 80).str() == "fd00:10:20:30:2::/80");
  CHECK(Cidr::parse("fd00:10:20:30::/64").subnet(2, 72).str() == "fd00:10:20:30:200::/72");
  CHECK_THROWS(Cidr::parse("10.244.0.0/16").subnet(256, 24));
  CHECK_THROWS(Cidr::parse("10.244.0.0/16").subnet(0, 8));
}

TEST_CASE("cidr nth address stays inside") {
  CHECK(Cidr::parse("10.192.3.0/24").nth(2).str() == "10.192.3.2");
  CHECK(Cidr::parse("fd00:20::/64").nth(0x10003).str() == "fd00:20::1:3");
  CHECK(Cidr::parse("10.0.0.255/32").nth(0).str() == "10.0.0.255");
  CHECK_THROWS(Cidr::parse("10.192.3.0/24").nth(256));
  CHECK_THROWS(Address::parse("255.255.255.255").plus(1));
}
