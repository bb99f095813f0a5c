#include "cluster/load.hpp"

#include <catch2/catch.hpp>

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
