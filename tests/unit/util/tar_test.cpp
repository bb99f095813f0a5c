#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace dind::util;

TEST_CASE("tar round trip with long names, dirs and links") {
  std::ostringstream out;
  tar::Writer w(out);
  std::string long_name = "dir/" + std::string(150, 'n') + "/file.txt";
  w.add_dir("dir");
  w.add_dir("dir/");  // a duplicate: skipped
  w.add_data("dir/a", "hello", 0600);
  w.add_data(long_name, std::string(1000, 'z'));
  w.add_symlink("dir/link", "a");
  w.add_data("empty", "");
  w.finish();
  std::string archive = out.str();
  CHECK(archive.size() % 512 == 0);
  auto entries = tar::read_all(archive);
  REQUIRE(entries.size() == 5);
  CHECK(entries[0].type == '5');
  CHECK(entries[0].name == "dir/");
  CHECK(entries[1].name == "dir/a");
  CHECK(entries[1].content == "hello");
  CHECK(entries[1].mode == 0600);
  CHECK(entries[2].name == long_name);
  CHECK(entries[2].content == std::string(1000, 'z'));
  CHECK(entries[3].link == "a");
  CHECK(entries[4].content.empty());
}

TEST_CASE("tar reader refuses a truncated archive") {
  std::ostringstream out;
  tar::Writer w(out);
  w.add_data("f", std::string(2000, 'x'));
  w.finish();
  CHECK_THROWS(tar::read_all(out.str().substr(0, 1024)));
}
