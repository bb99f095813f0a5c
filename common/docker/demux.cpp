#include "docker/demux.hpp"

namespace dind::docker {

void Demuxer::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    if (remaining_ == 0) {
      size_t need = 8 - pending_.size();
      pending_.append(chunk.substr(0, need));
      chunk.remove_prefix(std::min(need, chunk.size()));
      if (pending_.size() < 8) return;
      auto b = [&](int i) { return static_cast<size_t>(static_cast<unsigned char>(pending_[static_cast<size_t>(i)])); };
      stream_ = static_cast<int>(b(0));
      remaining_ = b(4) << 24 | b(5) << 16 | b(6) << 8 | b(7);
      pending_.clear();
      continue;
    }
    size_t take = std::min(remaining_, chunk.size());
    sink_(stream_, chunk.substr(0, take));
    remaining_ -= take;
    chunk.remove_prefix(take);
  }
}

} // namespace dind::docker
