#include "util/cli.hpp"

int main(int argc, char** argv) {
  return dind::util::tool_main("dind-dump", "dind-dump", argc, argv, [](CLI::App&, dind::util::Action&) {});
}
