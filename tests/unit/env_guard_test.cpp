#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace dind;

TEST_CASE("a test's environment is put back however the test ends") {
  ::setenv("DIND_TEST_KEPT", "before", 1);
  ::unsetenv("DIND_TEST_ADDED");
  try {
    test::EnvGuard env;
    env.set("DIND_TEST_KEPT", "during");
    env.set("DIND_TEST_ADDED", "during");
    env.set("DIND_TEST_KEPT", nullptr);
    throw std::runtime_error("a failed REQUIRE");
  } catch (const std::runtime_error&) {
  }
  CHECK(std::string(std::getenv("DIND_TEST_KEPT")) == "before");
  CHECK(std::getenv("DIND_TEST_ADDED") == nullptr);
  ::unsetenv("DIND_TEST_KEPT");
}
