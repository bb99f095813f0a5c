#include "util/cli.hpp"

int main(int argc, char** argv) {
  return dind::util::tool_main("dind-e2e", "dind-e2e", argc, argv, [](CLI::App&, dind::util::Action&) {});
}
