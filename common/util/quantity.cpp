#include "util/quantity.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace dind::util {

namespace {

constexpr int64_t nano = 1000000000;

// A non-negative decimal as a whole part and a fraction scaled to `scale`
// (digits beyond it refused): exact, unlike a double.
bool parse_decimal(std::string_view s, int64_t scale, int64_t& whole, int64_t& frac) {
  size_t dot = s.find('.');
  std::string_view w = s.substr(0, dot), f = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (w.empty() || (dot != std::string_view::npos && f.empty())) return false;
  whole = 0;
  for (char c : w) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || whole > std::numeric_limits<int64_t>::max() / 10 - 9) return false;
    whole = whole * 10 + (c - '0');
  }
  frac = 0;
  int64_t unit = scale;
  for (char c : f) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    unit /= 10;
    if (unit == 0) return false;
    frac += (c - '0') * unit;
  }
  return true;
}

} // namespace

int64_t parse_cpus(std::string_view text, std::string_view what) {
  std::string s(trim(text));
  int64_t whole = 0, frac = 0;
  auto bad = [&](const std::string& why) {
    return UsageError(std::string(what) + ": '" + s + "' " + why + " (CPUs as Docker's --cpus spells them: 1, 1.5, 0.25)");
  };
  if (!parse_decimal(s, nano, whole, frac) || whole > 1000000) throw bad("is not a number of CPUs");
  int64_t n = whole * nano + frac;
  if (n < nano / 100) throw bad("is less than Docker's minimum of 0.01 CPUs");
  return n;
}

int64_t parse_memory(std::string_view text, std::string_view what, int64_t min_bytes) {
  std::string s(trim(text));
  auto bad = [&](const std::string& why) {
    return UsageError(std::string(what) + ": '" + s + "' " + why + " (as Docker's --memory: 512m, 2g, 2048M, 1.5g)");
  };
  // number, optional space, optional unit, optional "i", optional "b": Docker's RAMInBytes
  size_t end = 0;
  while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) || s[end] == '.')) ++end;
  std::string_view number(s.data(), end);
  std::string suffix = trim(std::string_view(s).substr(end));
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::string units = "bkmgtp";
  int shift = 0;
  if (!suffix.empty() && units.find(suffix[0]) != std::string::npos) {
    shift = static_cast<int>(units.find(suffix[0])) * 10;
    suffix.erase(0, 1);
    if (shift && !suffix.empty() && suffix[0] == 'i') suffix.erase(0, 1);
    if (shift && !suffix.empty() && suffix[0] == 'b') suffix.erase(0, 1);
  }
  int64_t whole = 0, frac = 0;
  if (!suffix.empty() || !parse_decimal(number, nano, whole, frac)) throw bad("is not an amount of memory");
  if (whole >= (int64_t(1) << (62 - shift))) throw bad("is too large");
  // the fraction truncated to whole bytes, as Docker does
  int64_t bytes = (whole << shift) + static_cast<int64_t>(static_cast<long double>(frac) / nano * std::ldexp(1.0L, shift));
  if (bytes < min_bytes) throw bad("is less than the " + format_memory(min_bytes) + " a node needs");
  return bytes;
}

std::string format_cpus(int64_t n) {
  std::string s = std::to_string(n / nano);
  if (int64_t frac = n % nano) {
    std::string f = std::to_string(frac);
    f = std::string(9 - f.size(), '0') + f;
    while (f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

std::string format_memory(int64_t bytes) {
  static const char* units[] = {"", "k", "m", "g", "t", "p"};
  int i = 0;
  while (i < 5 && bytes != 0 && bytes % 1024 == 0) bytes /= 1024, ++i;
  return std::to_string(bytes) + units[i];
}

} // namespace dind::util
