#include "util/error.hpp"
#include "util/quantity.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

std::string refusal(const std::string& text, bool cpus) {
  try {
    cpus ? util::parse_cpus(text, "NODE_CPUS") : util::parse_memory(text, "NODE_MEMORY", 256 << 20);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("CPUs as Docker's --cpus spells them, exact to the nano-CPU") {
  CHECK(util::parse_cpus("1", "X") == 1000000000);
  CHECK(util::parse_cpus("1.5", "X") == 1500000000);
  CHECK(util::parse_cpus(" 0.25 ", "X") == 250000000);
  CHECK(util::parse_cpus("0.01", "X") == 10000000);
  CHECK(util::parse_cpus("2.000000001", "X") == 2000000001);
  for (auto* bad : {"0", "0.0", "0.001", "", "lots", "-1", "1.", ".5", "1,5", "1.5c", "1e3", "1.0000000001", "99999999999"}) {
    INFO(bad);
    CHECK_THAT(refusal(bad, true), Catch::StartsWith("NODE_CPUS: '"));
  }
  CHECK_THAT(refusal("0", true), Catch::Contains("minimum of 0.01"));
  CHECK(util::format_cpus(1500000000) == "1.5");
  CHECK(util::format_cpus(2000000000) == "2");
  CHECK(util::format_cpus(10000000) == "0.01");
}

TEST_CASE("memory as Docker's --memory spells it, in units of 1024") {
  const int64_t MiB = 1 << 20, GiB = int64_t(1) << 30;
  auto mem = [](const char* s) { return util::parse_memory(s, "X", 0); };
  CHECK(mem("2g") == 2 * GiB);
  CHECK(mem("1G") == GiB);
  CHECK(mem("512m") == 512 * MiB);
  CHECK(mem("2048M") == 2 * GiB);
  CHECK(mem("1.5g") == GiB + GiB / 2);
  CHECK(mem("2gb") == 2 * GiB);
  CHECK(mem("4GiB") == 4 * GiB);
  CHECK(mem("2 GB") == 2 * GiB);
  CHECK(mem("1073741824") == GiB);
  CHECK(mem("1024k") == MiB);
  CHECK(mem("300b") == 300);
  for (auto* bad : {"lots", "", "2x", "g", "-1g", "1..5g", "2gg", "2ib", "1.g", "9999999999999999999"}) {
    INFO(bad);
    CHECK_THAT(refusal(bad, false), Catch::StartsWith("NODE_MEMORY: '"));
  }
  CHECK_THAT(refusal("100m", false), Catch::Contains("less than the 256m a node needs"));
  CHECK_THAT(refusal("8e", false), Catch::Contains("not an amount"));
  CHECK(util::format_memory(2 * GiB) == "2g");
  CHECK(util::format_memory(GiB + GiB / 2) == "1536m");
  CHECK(util::format_memory(1000) == "1000");
}
