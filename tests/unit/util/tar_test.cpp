#include "util/tar.hpp"
#include "util/error.hpp"

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

TEST_CASE("tar stream reader: entries, data, long names; truncation refused") {
  std::ostringstream out;
  tar::Writer w(out);
  std::string long_name = "blobs/" + std::string(120, 'b');
  w.add_data("manifest.json", "{}");
  w.add_dir("d");
  w.add_data(long_name, std::string(70000, 'q'));
  w.add_symlink("l", "d");
  w.finish();
  std::string archive = out.str();
  std::istringstream in(archive);
  tar::Reader r(in);
  tar::Entry e;
  uint64_t size = 0;
  REQUIRE(r.next(e, size));
  CHECK(e.name == "manifest.json");
  CHECK(size == 2);
  REQUIRE(r.next(e, size));  // data not read is skipped
  CHECK(e.type == '5');
  REQUIRE(r.next(e, size));
  CHECK(e.name == long_name);
  std::string data;
  r.data([&](std::string_view d) { data.append(d); });
  CHECK(data == std::string(70000, 'q'));
  REQUIRE(r.next(e, size));
  CHECK(e.link == "d");
  CHECK_FALSE(r.next(e, size));

  for (size_t cut : {size_t(0), size_t(700), size_t(1536), archive.size() - 1024, archive.size() - 512}) {
    std::istringstream cut_in(archive.substr(0, cut));
    tar::Reader cr(cut_in);
    CHECK_THROWS_AS([&] { while (cr.next(e, size)) cr.data([](std::string_view) {}); }(), dind::Error);
  }
}
