#include "util/error.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace dind;
using namespace std::chrono_literals;

TEST_CASE("process runner: output, exit code, stdin, timeout") {
  auto r = util::run({"sh", "-c", "cat; echo err >&2; exit 3"}, {"in put", {}, {}, {}, {}});
  CHECK(r.exit_code == 3);
  CHECK(r.out == "in put");
  CHECK(r.err == "err\n");
  util::ProcessOptions o;
  o.timeout = 200ms;
  auto t = util::run({"sleep", "5"}, o);
  CHECK(t.timed_out);
  CHECK_THROWS_WITH(util::check({"sh", "-c", "echo first >&2; echo last words >&2; exit 1"}),
                    Catch::Contains("exit 1: last words"));
  CHECK_THROWS_WITH(util::run({"no-such-command-dind"}), Catch::Contains("not found"));
}

TEST_CASE("a timeout stops the whole process group, grandchildren too") {
  util::ProcessOptions o;
  o.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  // the grandchild keeps stdout open: only killing the group ends the run
  auto r = util::run({"sh", "-c", "sleep 30 & sleep 30; wait"}, o);
  CHECK(r.timed_out);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("environment and working directory reach the child") {
  util::ProcessOptions o;
  o.env = {{"DIND_TEST_VALUE", "x y"}};
  o.cwd = "/";
  auto r = util::run({"sh", "-c", "printf '%s %s' \"$DIND_TEST_VALUE\" \"$PWD\""}, o);
  CHECK(r.out == "x y /");
}
