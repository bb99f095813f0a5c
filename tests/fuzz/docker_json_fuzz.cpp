// What the Docker client parses from the engine: container and network
// lists, and inspect documents read the way callers read them.
#include "docker/containers.hpp"
#include "docker/networks.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  using namespace dind;
  try {
    docker::parse_container_list(body);
  } catch (const Error&) {
  }
  try {
    docker::parse_network_list(body);
  } catch (const Error&) {
  }
  try {
    auto d = json::parse(body, "inspect");
    json::flag(d, {"State", "Running"});
    json::str(d, {"State", "Status"});
    json::num(d, {"State", "ExitCode"});
    json::string_map(d, {"Config", "Labels"});
    json::find(d, {"NetworkSettings", "Networks"});
  } catch (const Error&) {
  }
  return 0;
}
