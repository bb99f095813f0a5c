// split/split64 on hostile input: the user's files, colourised logs, name
// conflicts, bounds, truncation.
#include "dump/blob.hpp"
#include "dump/split.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace dind;
namespace fs = std::filesystem;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

std::string make(const Files& files, bool base64, dump::Codec codec = dump::Codec::zstd) {
  std::ostringstream out;
  dump::DumpWriter w(out, base64, codec);
  for (auto& [name, content] : files) w.file(name, content);
  w.finish();
  return out.str();
}

std::string fresh(const std::string& name) {
  std::string d = (fs::temp_directory_path() / ("dind-split-test-" + name)).string();
  fs::remove_all(d);
  return d;
}

void put(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

std::map<std::string, std::string> tree(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = util::read_file(e.path().string());
  }
  return out;
}

std::vector<dump::DumpResult> run(const std::string& log, dump::SplitOptions o) {
  std::istringstream in(log);
  return dump::split(in, o);
}

dump::SplitOptions opts(const std::string& dir, bool base64) {
  dump::SplitOptions o;
  o.out_dir = dir;
  o.base64 = base64;
  return o;
}

std::string errors(const dump::DumpResult& r) { return util::join(r.errors, "\n"); }

// Every line wrapped the way colourisers and CI front-ends do it.
std::string colourise(const std::string& log) {
  std::string out;
  int n = 0;
  for (auto& line : util::split(log, '\n', false)) {
    switch (n++ % 4) {
      case 0: out += "\x1b[36m" + line + "\x1b[0m\n"; break;
      case 1: out += "\x1b[0K" + line + "\x1b[K\n"; break;
      case 2: out += "\x1b]0;title\x07" + line.substr(0, line.size() / 2) + "\x1b[1;31m" + line.substr(line.size() / 2) + "\x1b[m\n"; break;
      default: out += line + "\n";
    }
  }
  return out;
}

const Files sample = {{"nodes/a/ps", "PID CMD\n1 init\n"}, {"x", "y\n"}, {"cluster/get-all", "NAME\npod\n"}};

} // namespace

TEST_CASE("split never removes or replaces the user's files without --force") {
  for (bool base64 : {false, true}) {
    auto dir = fresh("home");
    put(dir + "/.ssh/id_rsa", "my key\n");
    put(dir + "/x", "my x\n");
    put(dir + "/keep", "mine\n");
    std::string log = make({{".ssh/known_hosts", "new\n"}, {"x", "theirs\n"}, {"new", "n\n"}}, base64);
    auto r = run(log, opts(dir, base64));
    REQUIRE(r.size() == 1);
    auto t = tree(dir);
    CHECK(t[".ssh/id_rsa"] == "my key\n");
    CHECK(t[".ssh/known_hosts"] == "new\n");
    CHECK(t["x"] == "my x\n");
    CHECK(t["keep"] == "mine\n");
    CHECK(t["new"] == "n\n");
    CHECK(t["dump-1/x"] == "theirs\n");  // kept, visible, named
    CHECK(r[0].dir == dir + "/dump-1");
    CHECK(errors(r[0]).find("--force") != std::string::npos);

    auto forced = opts(dir, base64);
    forced.force = true;
    fs::remove_all(dir + "/dump-1");
    auto r2 = run(log, forced);
    CHECK(r2[0].errors.empty());
    CHECK(tree(dir)["x"] == "theirs\n");
    CHECK(tree(dir)[".ssh/id_rsa"] == "my key\n");
    CHECK_FALSE(fs::exists(dir + "/dump-1"));
  }
}

TEST_CASE("the default output directory never goes over an earlier dump") {
  auto dir = fresh("cwd");
  fs::create_directories(dir);
  auto old = fs::current_path();
  fs::current_path(dir);
  CHECK(dump::default_out_dir() == "cluster-dump");
  fs::create_directory("cluster-dump");
  CHECK(dump::default_out_dir() == "cluster-dump-2");
  fs::create_directory("cluster-dump-2");
  CHECK(dump::default_out_dir() == "cluster-dump-3");
  fs::current_path(old);
}

TEST_CASE("escape sequences anywhere in a line do not hide markers or payload") {
  for (bool base64 : {false, true}) {
    for (auto codec : {dump::Codec::zstd, dump::Codec::xz}) {
      INFO("base64 " << base64 << " codec " << dump::codec_name(codec));
      auto dir = fresh("ansi");
      auto r = run(colourise(make(sample, base64, codec)), opts(dir, base64));
      REQUIRE(r.size() == 1);
      CHECK(errors(r[0]) == "");
      CHECK(r[0].verified == "sha256 ok");
      CHECK(tree(dir) == std::map<std::string, std::string>(sample.begin(), sample.end()));
    }
  }
}

TEST_CASE("a file and a directory of the same name: both recovered, visibly, and named") {
  for (bool base64 : {false, true}) {
    auto dir = fresh("conflict");
    auto r = run(make({{"a", "file a\n"}, {"a/b", "b\n"}, {"c/d", "d\n"}, {"c", "file c\n"}, {"e", "1\n"}, {"e", "2\n"}}, base64), opts(dir, base64));
    REQUIRE(r.size() == 1);
    auto t = tree(dir);
    CHECK(t == std::map<std::string, std::string>{{"a", "file a\n"}, {"a~2/b", "b\n"}, {"c/d", "d\n"}, {"c~2", "file c\n"}, {"e", "1\n"}, {"e~2", "2\n"}});
    REQUIRE(r[0].errors.size() == 3);
    CHECK(r[0].errors[0] == "name conflict: a/b written as a~2/b (the name is taken by another file or directory)");
    for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename().string()[0] != '.');
  }
}

TEST_CASE("output bytes are bounded: a decompression bomb is refused, memory stays small") {
  auto dir = fresh("bomb");
  auto o = opts(dir, true);
  o.max_bytes = 1 << 20;
  std::string lines;
  for (int i = 0; i < 40000; ++i) lines += "the same line again and again\n";  // 1.2 MB, compresses to little
  auto r = run(make({{"big", lines}}, true), o);
  REQUIRE(r.size() == 1);
  CHECK(errors(r[0]).find("more than 1048576 bytes of output (--max-bytes)") != std::string::npos);
  CHECK(r[0].partial == "big");
  CHECK(fs::file_size(dir + "/big") <= (1 << 20));
}

TEST_CASE("a line with no newline inside a dump is refused at --max-line") {
  auto dir = fresh("longline");
  auto o = opts(dir, true);
  o.max_line = 1 << 16;
  auto r = run(make({{"ok", "fine\n"}, {"long", std::string(1 << 20, 'a')}}, true), o);
  REQUIRE(r.size() == 1);
  CHECK(errors(r[0]).find("longer than 65536 bytes (--max-line)") != std::string::npos);
  CHECK(tree(dir)["ok"] == "fine\n");
  // in the log itself: a long line outside a dump is skipped, inside refused
  auto o2 = opts(fresh("longlogline"), false);
  o2.max_line = 1 << 16;
  auto r2 = run(std::string(1 << 20, 'x') + "\n" + make(sample, false), o2);
  REQUIRE(r2.size() == 1);
  CHECK(r2[0].verified == "sha256 ok");
  std::string text = make(sample, false);
  text.insert(text.find("y\n"), std::string(1 << 17, 'z'));
  auto r3 = run(text, opts(fresh("longlogline3"), false));
  CHECK(errors(r3[0]).find("--max-line") == std::string::npos);
  auto o3 = opts(fresh("longlogline4"), false);
  o3.max_line = 1 << 16;
  auto r4 = run(text, o3);
  CHECK(errors(r4[0]).find("line 7 is longer than 65536 bytes (--max-line)") != std::string::npos);
}

TEST_CASE("file count is bounded") {
  auto dir = fresh("count");
  auto o = opts(dir, true);
  o.max_files = 2;
  auto r = run(make(sample, true), o);
  CHECK(errors(r[0]).find("more than 2 files (--max-files)") != std::string::npos);
  CHECK(tree(dir).size() == 2);
}

TEST_CASE("xz streams that want more memory than --xz-memlimit are refused") {
  auto dir = fresh("memlimit");
  auto o = opts(dir, true);
  o.xz_memlimit = 1 << 20;  // preset 6 needs about 9 MiB to decode
  auto r = run(make(sample, true, dump::Codec::xz), o);
  CHECK(errors(r[0]).find("MiB of memory (--xz-memlimit)") != std::string::npos);
  auto r2 = run(make(sample, true, dump::Codec::xz), opts(fresh("memlimit2"), true));
  CHECK(r2[0].verified == "sha256 ok");
}

TEST_CASE("a dump cut short marks its last file partial") {
  std::string blob = make({{"first", std::string(300000, 'a')}, {"second", "x\n"}}, true, dump::Codec::xz);
  auto r = run(blob.substr(0, blob.size() / 2), opts(fresh("partial64"), true));
  CHECK(r[0].partial == "first");
  std::string text = make(sample, false);
  auto r2 = run(text.substr(0, text.find("NAME")), opts(fresh("partialtext"), false));
  CHECK(r2[0].partial == "cluster/get-all");
  CHECK(errors(r2[0]).find("truncated") != std::string::npos);
  auto r3 = run(text, opts(fresh("whole"), false));
  CHECK(r3[0].partial == "");
}
