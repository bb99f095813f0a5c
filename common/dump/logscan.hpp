#pragma once
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace dind::dump {

// The line without terminal escape sequences (CSI "ESC [ ... final", OSC
// "ESC ] ... BEL or ESC \", two-byte "ESC x") and leading CRs: what CI
// front-ends and colourisers wrap lines in, at the start, middle or end.
std::string strip_escapes(std::string_view line);

// Leading CRs and escape sequences only (a text dump's content keeps the rest).
std::string_view strip_leading_escapes(std::string_view line);

// Reads lines of at most `max` bytes from a stream, whatever it holds:
// memory stays bounded by `max` and one read buffer.
class LineReader {
public:
  LineReader(std::istream& in, size_t max) : in_(in), max_(max), buffer_(1 << 16) {}
  // The next line without its '\n'; false at the end of the input. A longer
  // line comes back cut at `max` bytes with too_long set; its rest is skipped.
  bool next(std::string& line, bool& too_long);
  uint64_t line_number() const { return number_; }

private:
  bool fill();
  std::istream& in_;
  size_t max_;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  uint64_t number_ = 0;
};

} // namespace dind::dump
