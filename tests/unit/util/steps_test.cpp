#include "util/steps.hpp"

#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <stdexcept>
#include <thread>

using namespace dind;
using namespace std::chrono_literals;

namespace {

// What Steps wrote to a temporary file.
struct Captured {
  std::FILE* f = std::tmpfile();
  ~Captured() { std::fclose(f); }
  std::string text() const {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, f)) s.append(buf, n);
    return s;
  }
};

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

} // namespace

TEST_CASE("steps: not on a terminal, a long step prints a line every interval with its progress") {
  Captured out;
  {
    util::Steps steps(false, false, out.f, 50ms);
    steps.run("long work", [&] {
      steps.progress("Go packages", 3, 7);
      std::this_thread::sleep_for(280ms);
      steps.status("almost");
      std::this_thread::sleep_for(120ms);
    });
  }
  auto text = out.text();
  INFO(text);
  CHECK(count(text, " • long work ... ") >= 4);
  CHECK(text.find(", Go packages 3/7\n") != std::string::npos);
  CHECK(text.find(", Go packages 3/7, almost\n") != std::string::npos);
  CHECK(text.find(" ✓ long work (") != std::string::npos);
  CHECK(text.find('\r') == std::string::npos);  // no terminal control in a log
}

TEST_CASE("steps: a short step prints only its result; failures get a cross") {
  Captured out;
  {
    util::Steps steps(false, false, out.f, 10s);
    steps.run("quick", [] {});
    CHECK_THROWS_AS(steps.run("broken", [] { throw std::runtime_error("x"); }), std::runtime_error);
    steps.progress("ignored outside a step", 1, 2);
  }
  auto text = out.text();
  CHECK(text.rfind(" ✓ quick (", 0) == 0);
  CHECK(text.find(" ✗ broken (") != std::string::npos);
  CHECK(count(text, "\n") == 2);
}

TEST_CASE("steps: quiet prints nothing, however long the step") {
  Captured out;
  {
    util::Steps steps(true, false, out.f, 20ms);
    steps.run("long work", [&] {
      steps.progress_bytes("streamed", 1 << 20, 4 << 20);
      std::this_thread::sleep_for(100ms);
    });
    steps.note("summary");
  }
  CHECK(out.text().empty());
}

TEST_CASE("steps: on a terminal, a live line with elapsed time and byte progress") {
  Captured out;
  {
    util::Steps steps(false, true, out.f, 10s);
    steps.run("load", [&] {
      steps.progress_bytes("streamed", 1 << 20, 4 << 20);
      std::this_thread::sleep_for(600ms);
      steps.progress_bytes("streamed", 3 << 20, 4 << 20);
    });
  }
  auto text = out.text();
  INFO(text);
  CHECK(text.find("\r\033[K • load ... ") != std::string::npos);
  CHECK(text.find(", streamed 1.0/4.0 MiB") != std::string::npos);
  CHECK(text.find(", streamed 3.0/4.0 MiB, ") != std::string::npos);  // with a rate after half a second
  CHECK(text.find(" MiB/s") != std::string::npos);
  CHECK(text.find("\r\033[K ✓ load (") != std::string::npos);
}

TEST_CASE("steps: DIND_STEPS_INTERVAL") {
  CHECK(util::Steps::default_interval() == std::chrono::seconds(30));
  test::EnvGuard env;
  env.set("DIND_STEPS_INTERVAL", "0.25");
  CHECK(util::Steps::default_interval() == 250ms);
}
