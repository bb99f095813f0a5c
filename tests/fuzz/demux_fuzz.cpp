// The attach/logs demuxer, fed in chunks the first byte decides: the payload
// out is never more than the input.
#include "docker/demux.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = data[0] % 16 + 1, out = 0;
  dind::docker::Demuxer d([&](int, std::string_view s) { out += s.size(); });
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (size_t i = 0; i < in.size(); i += chunk) d.feed(in.substr(i, chunk));
  if (out > in.size()) __builtin_trap();
  return 0;
}
