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

TEST_CASE("copy_entries joins archives as they are, leaving out what keep refuses") {
  std::string long_drop = "var/" + std::string(120, 'd') + ".tmp";
  std::string long_keep = "var/" + std::string(120, 'k');
  std::ostringstream a_out, b_out;
  tar::Writer a(a_out), b(b_out);
  a.add_dir("etc");
  a.add_data("etc/f", "eff", 0600);
  a.finish();
  b.add_data(long_drop, std::string(5000, '\0'));  // with its pax header
  b.add_data(long_keep, std::string(70000, 'k'));
  b.add_data("var/0.tmp", std::string(600, '\0'));
  b.add_symlink("var/l", "0.tmp");
  b.finish();
  std::string b_bytes = b_out.str() + std::string(10240, '\0');  // a writer's record padding after the end

  std::string joined;
  auto out = [&](std::string_view d) { joined.append(d); };
  auto keep = [](const tar::Entry& e) { return e.name.size() < 4 || e.name.compare(e.name.size() - 4, 4, ".tmp") != 0; };
  std::istringstream a_in(a_out.str()), b_in(b_bytes);
  tar::copy_entries(a_in, out, keep);
  CHECK(joined.size() == a_out.str().size() - 1024);  // all of a but its end
  CHECK(joined == a_out.str().substr(0, joined.size()));
  tar::copy_entries(b_in, out, keep);
  CHECK(b_in.peek() == std::char_traits<char>::eof());  // read to its very end
  joined += tar::end_of_archive();

  auto entries = tar::read_all(joined);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].name == "etc/");
  CHECK(entries[1].content == "eff");
  CHECK(entries[1].mode == 0600);
  CHECK(entries[2].name == long_keep);
  CHECK(entries[2].content == std::string(70000, 'k'));
  CHECK(entries[3].link == "0.tmp");

  std::string cut = b_out.str().substr(0, 3000);
  std::istringstream cut_in(cut);
  CHECK_THROWS_AS(tar::copy_entries(cut_in, out, keep), dind::Error);
}
