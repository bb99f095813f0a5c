#include "cluster/load.hpp"
#include "fake_provider.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;
using namespace dind::cluster;

namespace {

const std::string id1 = "sha256:" + std::string(64, '1');
const std::string id2 = "sha256:" + std::string(64, '2');
const std::string m1 = "sha256:" + std::string(64, 'a');
const std::string m2 = "sha256:" + std::string(64, 'b');
const std::string anchor1 = "import-2026-11-27@" + m1;
const std::string anchor2 = "import-2026-11-27@" + m2;

} // namespace

TEST_CASE("crictl's image list becomes name -> image ID") {
  auto names = cri_names(R"({"images":[{"id":")" + id1 + R"(","repoTags":["docker.io/library/a:1"],"repoDigests":["docker.io/library/a@)" + m1 +
                         R"("]},{"id":")" + id2 + R"(","repoTags":[],"repoDigests":null}]})");
  CHECK(names.size() == 2);
  CHECK(names.at("docker.io/library/a:1") == id1);
  CHECK(names.at("docker.io/library/a@" + m1) == id1);
}

TEST_CASE("a node has an image only under every requested name, for the right ID") {
  std::vector<LoadImage> images = {{id1, {"docker.io/library/app:v1", "docker.io/library/app:v2"}, {}, 0},
                                   {id2, {"docker.io/library/other:1"}, {}, 0}};
  SECTION("all there: nothing to do") {
    auto w = plan_node(images, {{"docker.io/library/app:v1", id1}, {"docker.io/library/app:v2", id1}, {"docker.io/library/other:1", id2}});
    CHECK(w.send.empty());
    CHECK(w.tags.empty());
  }
  SECTION("retagged on the host: the content is there, only the new name is added") {
    auto w = plan_node(images, {{"docker.io/library/app:v1", id1}, {"docker.io/library/other:1", id2}});
    CHECK(w.send.empty());
    REQUIRE(w.tags.size() == 1);
    CHECK(w.tags[0].first == "docker.io/library/app:v1");
    CHECK(w.tags[0].second == std::vector<std::string>{"docker.io/library/app:v2"});
  }
  SECTION("a name the node has for another image ID counts as missing") {
    auto w = plan_node(images, {{"docker.io/library/app:v1", id2}, {"docker.io/library/app:v2", id2}, {"docker.io/library/other:1", id2}});
    CHECK(w.send == std::vector<size_t>{0});
    CHECK(w.tags.empty());
  }
  SECTION("removed in the node: sent again") {
    auto w = plan_node(images, {});
    CHECK(w.send == std::vector<size_t>{0, 1});
  }
  SECTION("a tag is the source before a digest name") {
    auto w = plan_node({{id1, {"docker.io/library/new:1"}, {}, 0}},
                       {{"docker.io/library/a@" + m1, id1}, {"docker.io/library/b:1", id1}});
    REQUIRE(w.tags.size() == 1);
    CHECK(w.tags[0].first == "docker.io/library/b:1");
  }
}

TEST_CASE("ctr import's output names what it made") {
  auto names = imported_names("unpacking docker.io/library/app:v1 (" + m1 + ")...done\nunpacking " + anchor1 + " (" + m1 +
                              ")...done\nunpacking " + anchor2 + " (" + m2 + ")...done\n");
  CHECK(names.size() == 3);
  CHECK(names.at("docker.io/library/app:v1") == m1);
  CHECK(names.at(anchor2) == m2);
  CHECK(is_import_anchor(anchor1));
  CHECK_FALSE(is_import_anchor("docker.io/library/app@" + m1));
  CHECK_FALSE(is_import_anchor("import-2026-11-27:latest"));
}

TEST_CASE("after the import: missing names are added, anchors of named images go") {
  std::map<std::string, std::string> imported = {{"docker.io/library/app:v1", m1}, {anchor1, m1}, {anchor2, m2}};
  SECTION("a tag the import made is the source of the image's other names") {
    auto a = plan_after_import({{id1, {"docker.io/library/app:v1", "docker.io/library/app@" + m2}, {"docker.io/library/app:v1"}, 0}},
                               imported, {});
    REQUIRE(a.tags.size() == 1);
    CHECK(a.tags[0].first == "docker.io/library/app:v1");
    CHECK(a.tags[0].second == std::vector<std::string>{"docker.io/library/app@" + m2});
    CHECK(a.remove == std::vector<std::string>{anchor1});  // m2's anchor names nothing else: kept
    CHECK(a.unmatched.empty());
  }
  SECTION("an image asked for by digest only is found by its config") {
    auto a = plan_after_import({{id2, {"docker.io/library/d@" + m1}, {}, 0}}, imported, {{m2, id2}});
    REQUIRE(a.tags.size() == 1);
    CHECK(a.tags[0].first == anchor2);
    CHECK(a.remove == std::vector<std::string>{anchor1, anchor2});
  }
  SECTION("an image the import did not make is reported") {
    auto a = plan_after_import({{id2, {"docker.io/library/d:1"}, {"docker.io/library/d:1"}, 0}}, imported, {});
    CHECK(a.unmatched == std::vector<std::string>{id2});
  }
}

namespace {

// A 1+2 cluster's nodes as the provider lists them, kube-node-2 stopped.
void three_nodes(test::FakeProvider& provider) {
  provider.nodes = {{"kube-node-1", "worker", "running"}, {"kube-master", "master", "running"},
                    {"kube-node-2", "worker", "exited"}, {"kube-lb", "lb", "running"}};
}

// crictl's list on a node that has image id under these names.
std::string crictl_has(const std::string& id, const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (auto& n : names) quoted.push_back("\"" + n + "\"");
  return R"({"images":[{"id":")" + id + R"(","repoTags":[)" + util::join(quoted, ",") + "]}]}";
}

} // namespace

TEST_CASE("load picks the running nodes asked for, by node or container name; others are refused") {
  test::FakeProvider provider;
  auto plan = test::layout_of({{"NUM_NODES", "2"}});
  three_nodes(provider);
  CHECK(select_nodes(provider, plan, {}) == std::vector<std::string>{"kube-master", "kube-node-1"});
  CHECK(select_nodes(provider, plan, {"kube-node-1", "kube-master", "kube-node-1"}) ==
        std::vector<std::string>{"kube-node-1", "kube-master"});
  CHECK_THROWS_AS(select_nodes(provider, plan, {"kube-node-9"}), UsageError);
  CHECK_THROWS_WITH(select_nodes(provider, plan, {"kube-node-9"}),
                    "no node kube-node-9 in cluster default (it has kube-master, kube-node-1, kube-node-2)");
  CHECK_THROWS_WITH(select_nodes(provider, plan, {"kube-node-2"}), "node kube-node-2 is not running");
  provider.nodes = {{"kube-lb", "lb", "running"}, {"kube-master", "master", "paused"}};
  CHECK_THROWS_WITH(select_nodes(provider, plan, {}), "cluster default has no running nodes: `kubectl dind up` first");
}

TEST_CASE("load resolves references to the provider's images: one per ID, every name normalised") {
  test::FakeProvider provider;
  provider.images["app:v1"] = {id1, "", 1000};
  provider.images["app:latest"] = {id1, "", 1000};
  provider.images["other@" + m1] = {id2, "", 50};
  auto images = resolve(provider, {"app:v1", "app:latest", "other@" + m1, "app:v1"});
  REQUIRE(images.size() == 2);
  CHECK(images[0].id == id1);
  CHECK(images[0].names == std::vector<std::string>{"docker.io/library/app:v1", "docker.io/library/app:latest"});
  CHECK(images[0].sources == images[0].names);
  CHECK(images[0].size == 1000);
  CHECK(images[1].names == std::vector<std::string>{"docker.io/library/other@" + m1});
  CHECK(images[1].sources.empty());  // a digest does not come back from docker save as a name
  CHECK_THROWS_WITH(resolve(provider, {"missing:1"}), Catch::StartsWith("image missing:1 is not in the host's Docker"));
  provider.images[id1.substr(7, 12)] = {id1, "", 1000};
  CHECK_THROWS_AS(resolve(provider, {id1.substr(7, 12)}), UsageError);
}

TEST_CASE("load on a provider: what every node has is not sent, what one has under another name is tagged") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.provider.nodes = {{"kube-master", "master", "running"}, {"kube-node-1", "worker", "running"}};
  run.provider.images["app:v1"] = {id1, "", 1000};
  SECTION("every node has it: nothing sent, nothing tagged") {
    run.provider.answer = [](const std::string&, const std::vector<std::string>&) {
      return docker::ExecResult{0, crictl_has(id1, {"docker.io/library/app:v1"}), ""};
    };
    load_into_nodes(run.provider, run.steps, run.layout, {{"app:v1"}, "", {}});
    CHECK(run.provider.recorded("save_images").empty());
    CHECK(run.provider.recorded("exec_stream").empty());
    CHECK(run.provider.recorded("exec kube-master ctr").empty());
  }
  SECTION("one node has it under another name: tagged there, sent to the other alone") {
    run.provider.answer = [](const std::string& node, const std::vector<std::string>& cmd) {
      if (cmd[0] == "crictl" && node == "kube-master") return docker::ExecResult{0, crictl_has(id1, {"docker.io/library/old:1"}), ""};
      if (cmd[0] == "crictl") return docker::ExecResult{0, R"({"images":[]})", ""};
      return docker::ExecResult{0, "", ""};
    };
    run.provider.saved = "the saved tar";
    run.provider.stream_answer = [](const std::string&, const std::string&) {
      return docker::ExecResult{0, "unpacking docker.io/library/app:v1 (" + m1 + ")...done\n", ""};
    };
    load_into_nodes(run.provider, run.steps, run.layout, {{"app:v1"}, "", {}});
    CHECK(run.provider.recorded("exec kube-master ctr") ==
          std::vector<std::string>{"exec kube-master ctr -n k8s.io images tag --force docker.io/library/old:1 docker.io/library/app:v1"});
    CHECK(run.provider.recorded("save_images") == std::vector<std::string>{"save_images docker.io/library/app:v1"});
    CHECK(run.provider.recorded("exec_stream") ==
          std::vector<std::string>{"exec_stream kube-node-1 ctr -n k8s.io images import --digests --skip-digest-for-named -"});
    CHECK(run.provider.streamed.at("kube-node-1") == "the saved tar");
    CHECK(run.provider.recorded("exec kube-node-1 ctr").empty());  // the import named it
  }
  SECTION("a node whose import fails is named; the others finish") {
    run.provider.answer = [](const std::string&, const std::vector<std::string>& cmd) {
      return docker::ExecResult{0, cmd[0] == "crictl" ? R"({"images":[]})" : "", ""};
    };
    run.provider.stream_answer = [](const std::string& node, const std::string&) {
      if (node == "kube-node-1") return docker::ExecResult{1, "", "ctr: no space left on device"};
      return docker::ExecResult{0, "unpacking docker.io/library/app:v1 (" + m1 + ")...done\n", ""};
    };
    CHECK_THROWS_WITH(load_into_nodes(run.provider, run.steps, run.layout, {{"app:v1"}, "", {}}),
                      Catch::Contains("kube-node-1") && Catch::Contains("no space left on device"));
    CHECK(run.provider.recorded("finish").size() == 2);
  }
}
