#include "image/cache.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>

using namespace dind;
namespace fs = std::filesystem;

TEST_CASE("cache fills once per key and never keeps a half-made entry") {
  std::string root = (fs::temp_directory_path() / "dind-cache-test").string();
  fs::remove_all(root);
  image::Cache cache(root);
  int fills = 0;
  auto fill = [&](const std::string& dir) {
    ++fills;
    util::write_file(dir + "/out", "built");
  };
  std::string d1 = cache.ensure("go-x", "aaaa1111bbbb2222cccc", fill);
  std::string d2 = cache.ensure("go-x", "aaaa1111bbbb2222cccc", fill);
  CHECK(d1 == d2);
  CHECK(fills == 1);
  CHECK(util::read_file(d1 + "/out") == "built");
  cache.ensure("go-x", "ffff1111bbbb2222cccc", fill);
  CHECK(fills == 2);

  CHECK_THROWS(cache.ensure("go-y", "1234", [](const std::string& dir) {
    util::write_file(dir + "/half", "x");
    throw std::runtime_error("build failed");
  }));
  CHECK_FALSE(cache.has("go-y", "1234"));
  CHECK_FALSE(fs::exists(cache.dir("go-y", "1234")));
  cache.ensure("go-y", "1234", fill);  // starts over cleanly
  CHECK(cache.has("go-y", "1234"));
  CHECK_FALSE(fs::exists(cache.dir("go-y", "1234") + "/half"));
}
