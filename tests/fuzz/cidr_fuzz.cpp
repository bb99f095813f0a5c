// The CIDR parser (round trip through str()) and make_layout on KEY=VALUE input.
#include "net/cidr.hpp"
#include "cluster/layout.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace dind;
  try {
    auto c = net::Cidr::parse(text);
    if (net::Cidr::parse(c.str()).str() != c.str()) __builtin_trap();
  } catch (const Error&) {
  }
  try {
    auto a = net::Address::parse(text);
    if (!(net::Address::parse(a.str()) == a)) __builtin_trap();
  } catch (const Error&) {
  }
  try {
    auto vars = util::parse_key_values(text, "fuzz");
    auto plan = cluster::make_layout(cluster::LayoutInput::from([&](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    }));
    plan.to_json();
  } catch (const Error&) {
  }
  return 0;
}
