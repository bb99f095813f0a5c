#include "docker/endpoint.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace dind::docker;

TEST_CASE("DOCKER_HOST forms") {
  auto u = parse_endpoint("unix:///var/run/docker.sock");
  CHECK(u.kind == Endpoint::Kind::unix_socket);
  CHECK(u.path == "/var/run/docker.sock");
  auto t = parse_endpoint("tcp://127.0.0.1:2376");
  CHECK(t.kind == Endpoint::Kind::tcp);
  CHECK(t.host == "127.0.0.1");
  CHECK(t.port == 2376);
  CHECK_FALSE(t.tls.enabled);
  CHECK(parse_endpoint("tcp://[::1]:2375").host == "::1");
  CHECK(parse_endpoint("tcp://[::1]").port == 2375);
  CHECK(parse_endpoint("tcp://example.org").port == 2375);
  CHECK_THROWS_AS(parse_endpoint("http://x"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("unix://"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("tcp://host:99999"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("tcp://:2375"), dind::UsageError);
}

TEST_CASE("ssh:// endpoints") {
  auto s = parse_endpoint("ssh://builder@ci-host:2222");
  CHECK(s.kind == Endpoint::Kind::ssh);
  CHECK(s.user == "builder");
  CHECK(s.host == "ci-host");
  CHECK(s.port == 2222);
  auto plain = parse_endpoint("ssh://ci-host");
  CHECK(plain.user.empty());
  CHECK(plain.port == 0);  // ssh's own configuration decides
  CHECK_THROWS_AS(parse_endpoint("ssh://ci-host/var/run/docker.sock"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("ssh://user@"), dind::UsageError);
}

TEST_CASE("TLS from DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("dind-endpoint-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  TlsEnv verify{"1", "", dir.string()};
  // no ca.pem: refused with a line naming the file
  CHECK_THROWS_WITH(parse_endpoint("tcp://127.0.0.1", verify), Catch::Contains("ca.pem is missing"));
  std::ofstream(dir / "ca.pem") << "x";
  auto v = parse_endpoint("tcp://127.0.0.1", verify);
  CHECK(v.tls.enabled);
  CHECK(v.tls.verify);
  CHECK(v.port == 2376);  // the TLS port by default
  CHECK(v.tls.ca == (dir / "ca.pem").string());
  CHECK(v.tls.cert.empty());
  // half a client certificate is a mistake, not "no client certificate"
  std::ofstream(dir / "cert.pem") << "x";
  CHECK_THROWS_WITH(parse_endpoint("tcp://127.0.0.1", verify), Catch::Contains("key.pem is missing"));
  std::ofstream(dir / "key.pem") << "x";
  CHECK(parse_endpoint("tcp://127.0.0.1", verify).tls.key == (dir / "key.pem").string());
  auto unverified = parse_endpoint("tcp://127.0.0.1:9999", TlsEnv{"", "1", dir.string()});
  CHECK(unverified.tls.enabled);
  CHECK_FALSE(unverified.tls.verify);
  CHECK(unverified.port == 9999);
  fs::remove_all(dir);
}
