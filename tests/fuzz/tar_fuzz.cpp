// The tar reader (archive get): refuses or reads, never crashes.
#include "util/error.hpp"
#include "util/tar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dind::util::tar::read_all(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const dind::Error&) {
  }
  return 0;
}
