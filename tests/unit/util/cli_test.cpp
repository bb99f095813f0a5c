#include "util/cli.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("the cluster-picking flags land under the seed's names, as every tool spells them") {
  util::ClusterSelection selection;
  CLI::App app;
  auto* cmd = app.add_subcommand("status");
  selection.add_to(cmd);
  app.parse("status --label foo --cluster-id 7 --config /etc/passwd");
  CHECK(selection.vars == std::map<std::string, std::string>{{"CLUSTER_ID", "7"}, {"DIND_LABEL", "foo"}});
  CHECK(selection.config_file == "/etc/passwd");
  util::ClusterSelection missing;
  CLI::App other;
  missing.add_to(&other);
  CHECK_THROWS_AS(other.parse("--config /nonexistent/config.sh"), CLI::ValidationError);
}
