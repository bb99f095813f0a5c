#include "docker/demux.hpp"

#include <catch2/catch.hpp>

namespace {

std::string frame(int stream, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(stream);
  size_t n = payload.size();
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + payload;
}

} // namespace

TEST_CASE("demux splits frames fed byte by byte") {
  std::string stream = frame(1, "hello ") + frame(2, "oops\n") + frame(1, std::string(70000, 'x')) + frame(1, "");
  std::string out, err;
  dind::docker::Demuxer d([&](int s, std::string_view data) { (s == 2 ? err : out).append(data); });
  for (char c : stream) d.feed(std::string_view(&c, 1));
  CHECK(out == "hello " + std::string(70000, 'x'));
  CHECK(err == "oops\n");
  CHECK_FALSE(d.incomplete());
}

TEST_CASE("demux notices a stream cut inside a frame") {
  std::string out;
  dind::docker::Demuxer d([&](int, std::string_view data) { out.append(data); });
  d.feed(frame(1, "abcdef").substr(0, 11));
  CHECK(out == "abc");
  CHECK(d.incomplete());
}
