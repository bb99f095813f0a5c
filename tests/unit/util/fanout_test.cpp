#include "util/error.hpp"
#include "util/fanout.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace dind::util;

TEST_CASE("fanout: every sink gets every byte in order; a slow one holds the producer back") {
  std::string fast_out, slow_out;
  std::atomic<size_t> slow_chunks{0};
  size_t worst_lead = 0;
  const size_t chunk = 1000, capacity = 4000;
  {
    Fanout fan({[&](std::string_view d) { fast_out.append(d); },
                [&](std::string_view d) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(2));
                  slow_out.append(d);
                  ++slow_chunks;
                }},
               capacity);
    for (size_t i = 0; i < 50; ++i) {
      REQUIRE(fan.push(std::string(chunk, static_cast<char>('a' + i % 26))));
      worst_lead = std::max(worst_lead, i + 1 - slow_chunks.load());
    }
    auto failures = fan.finish();
    CHECK(failures == std::vector<std::string>{"", ""});
  }
  std::string want;
  for (size_t i = 0; i < 50; ++i) want += std::string(chunk, static_cast<char>('a' + i % 26));
  CHECK(fast_out == want);
  CHECK(slow_out == want);
  // bounded: never more than capacity queued (plus the chunk being written and the one just pushed)
  CHECK(worst_lead <= capacity / chunk + 2);
}

TEST_CASE("fanout: a failing sink is dropped, the others get everything") {
  std::string a_out, c_out;
  int b_calls = 0;
  Fanout fan({[&](std::string_view d) { a_out.append(d); },
              [&](std::string_view) {
                if (++b_calls == 3) throw dind::Error("node b stopped");
              },
              [&](std::string_view d) { c_out.append(d); }},
             10);
  for (int i = 0; i < 20; ++i) REQUIRE(fan.push("xy"));
  auto failures = fan.finish();
  CHECK(failures == std::vector<std::string>{"", "node b stopped", ""});
  CHECK(b_calls == 3);
  std::string want;
  for (int i = 0; i < 20; ++i) want += "xy";
  CHECK(a_out == want);
  CHECK(c_out == a_out);
}

TEST_CASE("fanout: push says so when no sink is left") {
  Fanout fan({[](std::string_view) { throw dind::Error("gone"); }}, 1 << 20);
  bool alive = true;
  for (int i = 0; i < 100 && alive; ++i) {
    alive = fan.push("data");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK_FALSE(alive);
  CHECK(fan.finish() == std::vector<std::string>{"gone"});
}
