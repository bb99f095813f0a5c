// safe_name: always relative, no "." or ".." part, no empty part, no NUL.
#include "dump/split.hpp"
#include "util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string name(reinterpret_cast<const char*>(data), size);
  std::string safe = dind::dump::safe_name(name, 7);
  if (safe.empty() || safe[0] == '/' || safe.find('\0') != std::string::npos) __builtin_trap();
  for (auto& part : dind::util::split(safe, '/', false)) {
    if (part.empty() || part == "." || part == "..") __builtin_trap();
  }
  return 0;
}
