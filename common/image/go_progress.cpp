#include "image/go_progress.hpp"

#include "util/strings.hpp"

#include <cstdlib>

namespace dind::image {

bool GoProgress::line(const std::string& line) {
  constexpr std::string_view marker = "dind-progress: ";
  if (util::starts_with(line, marker)) {
    // a new go build: its own total, counted from zero
    total_ = std::strtoull(line.c_str() + marker.size(), nullptr, 10);
    done_ = 0;
    return true;
  }
  // package paths have no spaces; go's other lines ("go: downloading ...",
  // "# pkg" before compiler errors, "file.go:1: ...") do or start with '#'
  if (total_ == 0 || line.empty() || line[0] == '#' || line.find(' ') != std::string::npos || line.find(':') != std::string::npos) {
    return false;
  }
  ++done_;
  return true;
}

} // namespace dind::image
