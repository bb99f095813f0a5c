#include "snapshot/store.hpp"
#include "snapshot/store_fixture.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <random>

using namespace dind;
using test::put;
using test::read_back;
using test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string noise(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % 16);  // compressible, not trivially
  return s;
}

snapshot::Manifest manifest(const std::string& name, std::vector<snapshot::Layer> layers) {
  snapshot::Manifest m;
  m.name = name;
  m.cluster = "cluster-70";
  m.image = "dind-node:stable";
  m.image_id = "sha256:" + std::string(64, 'a');
  m.plan = std::string(64, 'b');
  m.created = "2026-11-27T17:00:00Z";
  m.nodes = {{"kube-master-cluster-70", "master", std::move(layers)}};
  return m;
}

size_t blob_count(const snapshot::Store& store) {
  size_t n = 0;
  for (auto& e : fs::directory_iterator(store.dir() + "/blobs")) n += e.path().filename().string()[0] != '.';
  return n;
}

} // namespace

TEST_CASE("store: blobs by content, deduplicated, read back exactly") {
  TempDir t;
  snapshot::Store store(t.path);
  auto data = noise(300000, 1);
  auto a = put(store, data, "/var");
  auto b = put(store, data, "/var");
  CHECK(a.blob == b.blob);
  CHECK(a.size == data.size());
  CHECK(a.stored < a.size);
  CHECK(blob_count(store) == 1);
  CHECK(read_back(store, a) == data);
  {
    snapshot::Store::BlobWriter dropped(store);
    dropped.write("never finished");
  }
  CHECK(blob_count(store) == 1);
  CHECK_FALSE(fs::exists(t.path + "/blobs/.tmp-0"));
}

TEST_CASE("store: a corrupt or short blob is padded to its size and reported") {
  TempDir t;
  snapshot::Store store(t.path);
  auto data = noise(200000, 2);
  auto l = put(store, data, "/var");
  std::string path = store.blob_path(l.blob);
  std::string bytes = util::read_file(path);
  SECTION("truncated") { util::write_file(path, bytes.substr(0, bytes.size() / 2)); }
  SECTION("a flipped byte") {
    bytes[bytes.size() / 2] ^= 0x40;
    util::write_file(path, bytes);
  }
  snapshot::Store::BlobStream s(store, l);
  std::istream in(&s);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(out.size() == data.size());  // the upload always gets what it promised
  CHECK_THROWS_WITH(s.check(), Catch::Contains("is corrupt"));
}

TEST_CASE("store: manifests, match, rm and gc") {
  TempDir t;
  snapshot::Store store(t.path);
  auto one = put(store, noise(50000, 3), "/var");
  auto shared = put(store, noise(50000, 4), "/etc/kubernetes");
  auto two = put(store, noise(50000, 5), "/var");
  store.save(manifest("first", {one, shared}));
  auto second = manifest("second", {two, shared});
  second.created = "2026-11-27T18:00:00Z";
  store.save(second);
  CHECK(store.list().size() == 2);
  CHECK(store.match("sha256:" + std::string(64, 'a'), std::string(64, 'b'))->name == "second");
  CHECK_FALSE(store.match("sha256:" + std::string(64, 'c'), std::string(64, 'b')));
  CHECK_THROWS_WITH(store.get("third"), Catch::Contains("no snapshot third"));
  CHECK_THROWS_AS(store.save(manifest("broken", {{"/var", std::string(64, 'f'), 1, 1}})), Error);
  store.remove("first");
  CHECK(blob_count(store) == 2);  // the shared blob stays
  CHECK(fs::exists(store.blob_path(shared.blob)));
  CHECK_FALSE(fs::exists(store.blob_path(one.blob)));
  store.remove("second");
  CHECK(blob_count(store) == 0);
}

TEST_CASE("store: one file out and back in; bad files leave nothing") {
  TempDir t, other;
  snapshot::Store store(t.path), dest(other.path);
  auto l = put(store, noise(400000, 6), "/var");
  auto m = manifest("ci", {l, l});
  store.save(m);
  std::string file = t.path + "/ci.dind";
  store.export_to(m, file);
  std::string bytes = util::read_file(file);

  SECTION("round trip") {
    auto back = dest.import_from(file);
    CHECK(back.to_json() == m.to_json());
    CHECK(read_back(dest, l).size() == l.size);
  }
  SECTION("refused by the caller before any blob is written") {
    CHECK_THROWS_WITH(dest.import_from(file, [](const snapshot::Manifest&) { throw Error("another plan"); }),
                      Catch::Contains("another plan"));
    CHECK(dest.list().empty());
  }
  SECTION("truncated at any point") {
    for (size_t cut : {size_t(100), size_t(600), bytes.size() / 2, bytes.size() - 1024, bytes.size() - 1}) {
      util::write_file(file, bytes.substr(0, cut));
      INFO("cut at " << cut << " of " << bytes.size());
      CHECK_THROWS_AS(dest.import_from(file), Error);
    }
    CHECK(dest.list().empty());
    CHECK(blob_count(dest) == 0);
  }
  SECTION("a changed byte in a blob") {
    bytes[bytes.size() / 2] ^= 1;
    util::write_file(file, bytes);
    CHECK_THROWS_WITH(dest.import_from(file), Catch::Contains("does not match"));
    CHECK(dest.list().empty());
    CHECK(blob_count(dest) == 0);
  }
  SECTION("not a snapshot file at all") {
    util::write_file(file, std::string(4096, 'x'));
    CHECK_THROWS_AS(dest.import_from(file), Error);
  }
}
