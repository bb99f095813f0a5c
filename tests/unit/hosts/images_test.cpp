#include "hosts/images.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("the image goes to the engines without it or with another ID under its name") {
  using Ids = std::vector<std::optional<std::string>>;
  CHECK(hosts::engines_without("sha256:a", Ids{"sha256:a", "sha256:a", std::nullopt, "sha256:old"}) == std::vector<size_t>{2, 3});
  CHECK(hosts::engines_without("sha256:a", Ids{"sha256:a", "sha256:a"}).empty());
  CHECK(hosts::engines_without("sha256:a", Ids{"sha256:a"}).empty());
}
