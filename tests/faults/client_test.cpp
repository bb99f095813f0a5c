// The Docker client against a daemon that misbehaves on purpose
// (fake_dockerd.py, started by faults_test.sh with the mode named in the tag).
#include "docker/client.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "util/interrupt.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <unistd.h>

using namespace dind;
using Catch::Matchers::Contains;

namespace {

docker::Client fake() { return docker::Client::from_env(); }

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

std::string temp_dir() {
  std::string d = std::filesystem::temp_directory_path().string() + "/dind-faults-" + std::to_string(::getpid());
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

} // namespace

TEST_CASE("a body shorter than its Content-Length is an error", "[truncate]") {
  auto c = fake();
  docker::Request r;
  r.path = "/version";
  CHECK_THROWS_WITH(c.call(r), Contains("cut short"));
}

TEST_CASE("save_images keeps nothing of a truncated stream", "[truncate][chunk-cut]") {
  auto c = fake();
  std::string dir = temp_dir();
  CHECK_THROWS_WITH(docker::save_images(c, {"x:1"}, dir + "/images.tar"), Contains("cut short"));
  CHECK(files_in(dir) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a daemon that never answers times out", "[hang]") {
  auto c = fake();
  auto t = std::chrono::steady_clock::now();
  docker::Request r;
  r.path = "/containers/json";
  CHECK_THROWS_WITH(c.call(r), Contains("timed out"));
  CHECK(seconds_since(t) < 10);
  t = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(c.hijack("/exec/x/start", "{}"), Contains("timed out"));
  CHECK(seconds_since(t) < 10);
}

TEST_CASE("a daemon that closes mid-upload is an error, not SIGPIPE", "[close-upload]") {
  util::interrupt::install();  // as every tool does: SIGPIPE ignored
  auto c = fake();
  std::istringstream body(std::string(32 << 20, 'x'));
  docker::Request r;
  r.method = "POST";
  r.path = "/images/load";
  r.body_stream = &body;
  r.body_size = 32 << 20;
  r.content_type = "application/x-tar";
  CHECK_THROWS_WITH(c.call(r), Contains("upload cut off") || Contains("closed the connection"));
}

TEST_CASE("a daemon that closes mid-way through a chunked upload: write, then finish, say so", "[close-upload]") {
  util::interrupt::install();
  auto c = fake();
  docker::ImageLoad load(c);
  std::string piece(1 << 20, 'x'), error;
  try {
    for (int i = 0; i < 32; ++i) load.write(piece);
  } catch (const Error& e) {
    error = e.what();
  }
  CHECK_THAT(error, Contains("POST /images/load: upload cut off"));
  CHECK_THROWS_WITH(load.finish(), Contains("upload cut off"));
}

TEST_CASE("an engine that refuses API versions below 1.44 is spoken to in its own", "[new-api]") {
  auto c = fake();
  CHECK(c.api_version() == "1.47");
  docker::Request r;
  r.path = "/version";
  CHECK_THAT(c.call(r), Contains("29.0.0"));
}

TEST_CASE("an engine older than API 1.41 is refused in one line", "[old-api]") {
  auto c = fake();
  CHECK_THROWS_WITH(c.api_version(), Contains("speaks API 1.38, too old: dind needs 1.41"));
}
