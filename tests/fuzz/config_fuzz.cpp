// The KEY=VALUE reader (config.sh, images/versions).
#include "util/error.hpp"
#include "util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dind::util::parse_key_values(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const dind::Error&) {
  }
  return 0;
}
