#include "hosts/overlay.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("the overlay network: attachable, fixed subnet, MTU of the underlay") {
  hosts::OverlaySpec spec{"kubeadm-dind-net", {{"10.192.0.0/24", ""}}, {{"io.dind.cluster", "default"}}, 1400};
  auto body = json::parse(docker::network_create_body(hosts::overlay_network_spec(spec)), "body");
  CHECK(json::str(body, {"Driver"}) == "overlay");
  CHECK(json::flag(body, {"Attachable"}));
  CHECK_FALSE(json::flag(body, {"EnableIPv6"}, true));
  auto* config = json::find(body, {"IPAM", "Config"});
  REQUIRE((config && config->IsArray() && config->Size() == 1));
  CHECK(json::str((*config)[0], {"Subnet"}) == "10.192.0.0/24");
  CHECK(json::str(body, {"Options", "com.docker.network.driver.mtu"}) == "1400");
  CHECK(json::str(body, {"Labels", "io.dind.cluster"}) == "default");
  spec.underlay_mtu = 0;
  CHECK(json::find(json::parse(docker::network_create_body(hosts::overlay_network_spec(spec)), "body"),
                   {"Options", "com.docker.network.driver.mtu"}) == nullptr);
  // a bridge network's body stays as it was
  CHECK_FALSE(json::flag(json::parse(docker::network_create_body(docker::NetworkSpec{}), "b"), {"Attachable"}));
}

TEST_CASE("overlay refusals: IPv6, no subnet, a bad CIDR, a tiny MTU") {
  using Case = std::pair<hosts::OverlaySpec, std::string>;  // spec, a word of the refusal
  for (auto& [spec, word] : {Case{{"n", {{"10.192.0.0/24", ""}, {"fd00:10::/64", ""}}, {}, 0}, "IPv6 (fd00:10::/64)"},
                             Case{{"n", {}, {}, 0}, "no IPv4 subnet"}, Case{{"n", {{"10.192.0.0/33", ""}}, {}, 0}, "10.192.0.0/33"},
                             Case{{"n", {{"10.192.0.0/24", ""}}, {}, 600}, "MTU of 600"}}) {
    CHECK_THROWS_AS(hosts::overlay_network_spec(spec), UsageError);
    CHECK_THROWS_WITH(hosts::overlay_network_spec(spec), Catch::Contains(word));
  }
}
