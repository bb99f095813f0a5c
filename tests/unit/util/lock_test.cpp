#include "util/error.hpp"
#include "util/lock.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

using namespace dind;

namespace {

std::string lock_path() {
  return std::filesystem::temp_directory_path().string() + "/dind-lock-test-" + std::to_string(::getpid()) + "/x.lock";
}

} // namespace

TEST_CASE("a held lock names its holder to one who will not wait") {
  std::string path = lock_path();
  {
    util::FileLock held(path, "up default", true);
    CHECK_THROWS_WITH(util::FileLock(path, "down default", false),
                      Catch::Contains("pid " + std::to_string(::getpid()) + ": up default holds it"));
  }
  CHECK_NOTHROW(util::FileLock(path, "down default", false));
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("a holder that died does not wedge the next one") {
  std::string path = lock_path();
  pid_t child = ::fork();
  if (child == 0) {
    util::FileLock held(path, "crashing", true);
    ::_exit(9);  // no destructor, no unlock: as a crash
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WEXITSTATUS(status) == 9);
  CHECK_NOTHROW(util::FileLock(path, "next", false));
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("a waiter is told once who it waits for") {
  std::string path = lock_path();
  pid_t child = ::fork();
  if (child == 0) {
    util::FileLock held(path, "slow up", true);
    ::usleep(600 * 1000);
    ::_exit(0);
  }
  ::usleep(200 * 1000);
  int told = 0;
  std::string holder;
  {
    util::FileLock waited(path, "second", true, [&](const std::string& h) { ++told, holder = h; });
  }
  ::waitpid(child, nullptr, 0);
  CHECK(told == 1);
  CHECK(holder == "pid " + std::to_string(child) + ": slow up");
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}
