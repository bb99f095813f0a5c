// The tar reader and writer on what ustar alone cannot hold, and on
// corrupt archives.
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace dind;
namespace fs = std::filesystem;

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t n; p && (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (p) ::pclose(p);
  return out;
}

} // namespace

TEST_CASE("tar: long link targets get a pax record; GNU tar reads them back") {
  std::string target = "/very/" + std::string(180, 't') + "/target";
  std::string name = "links/" + std::string(120, 'n');
  std::ostringstream out;
  util::tar::Writer w(out);
  w.add_symlink(name, target);
  w.add_data("plain", "x");
  w.finish();
  auto entries = util::tar::read_all(out.str());
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == name);
  CHECK(entries[0].link == target);
  CHECK(entries[1].link.empty());
  auto path = (fs::temp_directory_path() / "dind-tar-hostile.tar").string();
  std::ofstream(path, std::ios::binary) << out.str();
  std::string listing = run("tar -tvf " + path + " 2>&1");
  CHECK(listing.find(name + " -> " + target) != std::string::npos);
  fs::remove(path);
}

TEST_CASE("tar: GNU tar's pax and GNU archives read the same") {
  auto dir = fs::temp_directory_path() / "dind-tar-gnu";
  fs::remove_all(dir);
  fs::create_directories(dir / "src");
  std::string long_target = std::string(150, 'l');
  std::string long_file = std::string(130, 'f');
  std::ofstream(dir / "src" / long_file) << "content\n";
  fs::create_symlink(long_target, dir / "src" / "link");
  for (std::string format : {"pax", "gnu"}) {
    INFO(format);
    std::string archive = run("tar -C " + (dir / "src").string() + " --format=" + format + " -cf - " + long_file + " link");
    auto entries = util::tar::read_all(archive);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == long_file);
    CHECK(entries[0].content == "content\n");
    CHECK(entries[1].link == long_target);
  }
  fs::remove_all(dir);
}

TEST_CASE("tar: a corrupt header is refused, not trusted") {
  std::ostringstream out;
  util::tar::Writer w(out);
  w.add_data("f", "hello");
  w.finish();
  std::string good = out.str();
  std::string flipped = good;
  flipped[0] = 'g';  // name changed, checksum not
  CHECK_THROWS_WITH(util::tar::read_all(flipped), Catch::Contains("checksum mismatch"));
  std::string huge = good;
  std::memcpy(&huge[124], "77777777777", 11);  // a size far past the end
  CHECK_THROWS(util::tar::read_all(huge));
  std::string junk = good;
  std::memcpy(&junk[124], "12x45678901", 11);
  CHECK_THROWS(util::tar::read_all(junk));
}

TEST_CASE("tar: add_file writes exactly the size it announced") {
  auto path = (fs::temp_directory_path() / "dind-tar-file").string();
  std::ofstream(path, std::ios::binary) << std::string(70000, 'q');
  std::ostringstream out;
  util::tar::Writer w(out);
  w.add_file("f", path, 0644);
  w.finish();
  auto entries = util::tar::read_all(out.str());
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].content == std::string(70000, 'q'));
  std::ostringstream out2;
  util::tar::Writer w2(out2);
  CHECK_THROWS_WITH(w2.add_file("d", fs::temp_directory_path().string(), 0644), Catch::Contains("not a regular file"));
  fs::remove(path);
}
