#include "hosts/list.hpp"
#include "env_guard.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("DIND_HOSTS: endpoints with an optional advertise address") {
  auto h = hosts::parse_hosts("unix:///tmp/a.sock=10.251.0.11, tcp://10.0.0.2:2375,ssh://me@10.0.0.3,tcp://box:2375,ssh://me@box=eth1");
  REQUIRE(h.size() == 5);
  CHECK(h[0].endpoint.path == "/tmp/a.sock");
  CHECK(h[0].advertise == "10.251.0.11");
  CHECK(h[1].endpoint.kind == docker::Endpoint::Kind::tcp);
  CHECK(h[1].advertise == "10.0.0.2");  // a tcp:// IP is where the engine is reached
  CHECK(h[2].advertise == "10.0.0.3");
  CHECK(h[3].advertise.empty());        // a name: Docker picks
  CHECK(h[4].endpoint.host == "box");
  CHECK(h[4].advertise == "eth1");
  CHECK(hosts::parse_hosts("tcp://[fd00::2]:2375")[0].advertise == "fd00::2");
  CHECK(hosts::parse_hosts("unix:///var/run/docker.sock")[0].advertise.empty());
}

TEST_CASE("DIND_HOSTS refusals name the entry") {
  using Case = std::pair<std::string, std::string>;  // list, a word of the refusal
  for (auto& [list, word] : {Case{"unix:///a.sock,,unix:///b.sock", "empty entry"}, Case{"unix:///a.sock,", "empty entry"},
                             Case{"http://x", "http://x"}, Case{"unix:///a.sock,unix:///a.sock", "listed twice"},
                             Case{"unix:///a.sock=", "after '='"}, Case{"tcp://h:99999", "port"}}) {
    CHECK_THROWS_AS(hosts::parse_hosts(list), UsageError);
    CHECK_THROWS_WITH(hosts::parse_hosts(list), Catch::Contains(word));
  }
}

TEST_CASE("--hosts wins over DIND_HOSTS; neither is a usage error") {
  test::EnvGuard env;
  env.set("DIND_HOSTS", "unix:///from-env.sock");
  CHECK(hosts::hosts_from("")[0].endpoint.path == "/from-env.sock");
  CHECK(hosts::hosts_from("unix:///flag.sock")[0].endpoint.path == "/flag.sock");
  env.set("DIND_HOSTS", nullptr);
  CHECK_THROWS_AS(hosts::hosts_from(""), UsageError);
}
