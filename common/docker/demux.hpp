#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace dind::docker {

// Splits Docker's multiplexed attach/logs stream (8-byte header: stream id,
// 3 zero bytes, big-endian length) into stdout (1) and stderr (2) payloads.
// Fed in arbitrary chunks; frames may straddle them.
class Demuxer {
public:
  using Sink = std::function<void(int stream, std::string_view data)>;
  explicit Demuxer(Sink sink) : sink_(std::move(sink)) {}
  void feed(std::string_view chunk);
  // True when the stream ended inside a frame.
  bool incomplete() const { return !pending_.empty() || remaining_ > 0; }

private:
  Sink sink_;
  std::string pending_;  // partial header
  size_t remaining_ = 0;
  int stream_ = 0;
};

} // namespace dind::docker
