#pragma once
#include <cstdint>
#include <string>

namespace dind::image {

// images/go/build.sh announces each `go build` with the number of packages
// it depends on ("dind-progress: 1934 Go packages"), then `go build -v`
// names every package as it compiles it: counting those names against the
// total gives the step's progress. Cached packages are not named, so a warm
// build ends below the total.
class GoProgress {
public:
  // One output line; true when done() or total() changed.
  bool line(const std::string& line);
  uint64_t done() const { return done_; }
  uint64_t total() const { return total_; }

private:
  uint64_t done_ = 0, total_ = 0;
};

} // namespace dind::image
