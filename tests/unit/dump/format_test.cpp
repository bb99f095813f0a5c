#include "dump/base64.hpp"
#include "dump/blob.hpp"
#include "dump/codec.hpp"
#include "dump/split.hpp"
#include "dump/text.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <sstream>

using namespace dind;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> files = {
    {"nodes/kube-master/ps", "PID CMD\n1 init\n"},
    {"no-eol", "last line without newline"},
    {"empty", ""},
    {"looks/like/markers", "@@@ fake @@@\n\\@@@ escaped @@@\n%%% start-base64 %%%\n"},
    {"blank-lines", "\n\n\n"},
    {"binaryish", std::string("a\0b\x01\xff\r\n", 8)},
};

std::string make(bool base64, dump::Codec codec = dump::Codec::zstd) {
  std::ostringstream out;
  dump::DumpWriter w(out, base64, codec);
  for (auto& [name, content] : files) w.file(name, content);
  w.finish();
  return out.str();
}

std::string tmpdir(const std::string& name) {
  std::string d = (fs::temp_directory_path() / ("dind-dump-test-" + name)).string();
  fs::remove_all(d);
  return d;
}

std::map<std::string, std::string> read_tree(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = util::read_file(e.path().string());
  }
  return out;
}

std::vector<dump::DumpResult> split(const std::string& log, const std::string& dir, bool base64, int index = 0) {
  std::istringstream in(log);
  dump::SplitOptions o;
  o.out_dir = dir;
  o.base64 = base64;
  o.index = index;
  return dump::split(in, o);
}

// What CI logs do to lines: a timestamp and step prefix, ANSI codes, CRLF.
std::string ci_log(const std::string& text) {
  std::string out = "build started\r\nsome output @@@ not a marker\r\n";
  int n = 0;
  for (auto& line : util::split(text, '\n', false)) {
    char ts[64];
    std::snprintf(ts, sizeof ts, "2026-11-25T10:%02d:%02d.%07dZ test\t", n / 60 % 60, n % 60, n * 7 % 10000000);
    out += (n % 3 == 0 ? "\x1b[0K" : "") + std::string(ts) + line + "\r\n";
    ++n;
  }
  return out + "job failed\r\n";
}

} // namespace

TEST_CASE("text dump round trip is exact") {
  auto dir = tmpdir("text");
  auto r = split(make(false), dir, false);
  REQUIRE(r.size() == 1);
  CHECK(r[0].errors.empty());
  CHECK(r[0].verified == "sha256 ok");
  CHECK(read_tree(dir) == files);
}

TEST_CASE("dump64 round trip with every codec, through a CI log") {
  for (auto codec : {dump::Codec::zstd, dump::Codec::xz, dump::Codec::lzma}) {
    INFO(dump::codec_name(codec));
    auto dir = tmpdir("b64");
    auto r = split(ci_log(make(true, codec)), dir, true);
    REQUIRE(r.size() == 1);
    CHECK(r[0].errors.empty());
    CHECK(r[0].codec == dump::codec_name(codec));
    CHECK(r[0].verified == "sha256 ok");
    CHECK(read_tree(dir) == files);
  }
}

TEST_CASE("text dump inside a CI log with prefixes and CRLF") {
  auto dir = tmpdir("textlog");
  auto r = split(ci_log(make(false)), dir, false);
  REQUIRE(r.size() == 1);
  CHECK(r[0].verified == "sha256 ok");
  CHECK(read_tree(dir) == files);
}

TEST_CASE("several dumps: each in its own directory, or one by --index") {
  std::string log = make(true) + "in between\n" + make(true, dump::Codec::xz);
  auto dir = tmpdir("multi");
  auto r = split(log, dir, true);
  REQUIRE(r.size() == 2);
  CHECK(read_tree(dir + "/dump-1") == files);
  CHECK(read_tree(dir + "/dump-2") == files);
  auto one = tmpdir("one");
  auto r2 = split(log, one, true, 2);
  REQUIRE(r2.size() == 1);
  CHECK(r2[0].codec == "xz");
  CHECK(read_tree(one) == files);
}

TEST_CASE("a truncated blob is reported and what came before is kept") {
  std::ostringstream out;
  dump::DumpWriter w(out, true, dump::Codec::xz);
  w.file("first", std::string(300000, 'a'));
  w.file("second", "x\n");
  w.finish();
  std::string blob = out.str();
  auto dir = tmpdir("trunc");
  auto r = split(blob.substr(0, blob.size() * 2 / 3), dir, true);
  REQUIRE(r.size() == 1);
  REQUIRE_FALSE(r[0].errors.empty());
  CHECK(util::join(r[0].errors, ";").find("truncated") != std::string::npos);
  CHECK(r[0].verified == "not verified");
}

TEST_CASE("a corrupt blob or a wrong checksum is named") {
  std::string blob = make(true);
  auto dir = tmpdir("corrupt");
  std::string bad = blob;
  bad[bad.find('\n') + 30] = bad[bad.find('\n') + 30] == 'A' ? 'B' : 'A';
  auto r = split(bad, dir, true);
  REQUIRE(r.size() == 1);
  CHECK_FALSE(r[0].errors.empty());
  std::string wrong = blob;
  auto p = wrong.find("sha256=") + 7;
  wrong[p] = wrong[p] == '0' ? '1' : '0';
  auto r2 = split(wrong, tmpdir("wrong"), true);
  CHECK(r2[0].verified == "checksum mismatch");
}

TEST_CASE("old kubeadm-dind-cluster dumps: no header, no escaping") {
  auto dir = tmpdir("old");
  auto r = split("*** Dumping cluster state ***\n@@@ a @@@\nline1\n@@@ b @@@\nline2\n", dir, false);
  REQUIRE(r.size() == 1);
  CHECK(r[0].verified == "no checksum (old format)");
  CHECK(read_tree(dir) == std::map<std::string, std::string>{{"a", "line1\n"}, {"b", "line2\n"}});
}

TEST_CASE("file names cannot escape the output directory") {
  CHECK(dump::safe_name("/etc/passwd", 1) == "etc/passwd");
  CHECK(dump::safe_name("../../x", 1) == "x");
  CHECK(dump::safe_name("a/./b//c", 1) == "a/b/c");
  CHECK(dump::safe_name("..", 7) == "unnamed-7");
  auto dir = tmpdir("escape");
  split("@@@ ../../../tmp/dind-escaped @@@\nx\n", dir, false);
  CHECK(fs::exists(dir + "/tmp/dind-escaped"));
}

TEST_CASE("base64 decoder refuses junk and notices a cut") {
  std::string out;
  dump::Base64Decoder d([&](std::string_view s) { out.append(s); });
  d.write("aGVsbG8=");
  d.finish();
  CHECK(out == "hello");
  dump::Base64Decoder bad([](std::string_view) {});
  CHECK_THROWS(bad.write("aGV*"));
  dump::Base64Decoder cut([](std::string_view) {});
  cut.write("aGVsb");
  CHECK_THROWS(cut.finish());
}
