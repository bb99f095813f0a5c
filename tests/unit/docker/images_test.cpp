#include "docker/images.hpp"

#include <catch2/catch.hpp>

using namespace dind::docker;

TEST_CASE("references normalise as containerd and kubelet name them") {
  CHECK(normalize_reference("myapp:v1") == "docker.io/library/myapp:v1");
  CHECK(normalize_reference("myapp") == "docker.io/library/myapp:latest");
  CHECK(normalize_reference("me/app") == "docker.io/me/app:latest");
  CHECK(normalize_reference("docker.io/library/app:1") == "docker.io/library/app:1");
  CHECK(normalize_reference("index.docker.io/app:1") == "docker.io/library/app:1");
  CHECK(normalize_reference("registry.k8s.io/pause:3.10") == "registry.k8s.io/pause:3.10");
  CHECK(normalize_reference("localhost/app") == "localhost/app:latest");
  CHECK(normalize_reference("localhost:5000/a/b:2") == "localhost:5000/a/b:2");
  std::string d = "sha256:" + std::string(64, 'a');
  CHECK(normalize_reference("app@" + d) == "docker.io/library/app@" + d);
  CHECK(normalize_reference("app:v1@" + d) == "docker.io/library/app@" + d);
  CHECK(normalize_reference("localhost:5000/app@" + d) == "localhost:5000/app@" + d);
  CHECK(has_digest("app@" + d));
  CHECK_FALSE(has_digest("app:v1"));
}
