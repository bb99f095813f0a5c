#include "report/source.hpp"

#include "dump/blob.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

using namespace dind;
namespace fs = std::filesystem;

namespace {

std::string log_with_dump(bool base64) {
  std::ostringstream out;
  out << "2026-11-27T13:00:00Z some CI output\n";
  dump::DumpWriter w(out, base64, dump::Codec::zstd);
  w.file("cluster/UNAVAILABLE", "the master kube-master is not running\n");
  w.file("nodes/kube-master/DOWN", "kube-master is exited\n");
  w.finish();
  out << "more CI output\n";
  return out.str();
}

} // namespace

TEST_CASE("report source: a dump or dump64 in a log, in a temp dir removed afterwards") {
  for (bool base64 : {false, true}) {
    std::istringstream in(log_with_dump(base64));
    std::string path;
    {
      auto d = report::DumpDir::from_log(in);
      CHECK(d.temporary());
      path = d.path();
      CHECK(fs::exists(path + "/nodes/kube-master/DOWN"));
      CHECK(d.problems.empty());
      auto moved = std::move(d);  // the moved-from one must not remove it
      CHECK(fs::exists(path + "/nodes/kube-master/DOWN"));
      auto out = path + "/../page.html";
      auto r = report::write_report(moved, out, "test");
      CHECK_FALSE(r.healthy);
      CHECK(r.verdict.find("kube-master is not running") != std::string::npos);
      CHECK(util::read_file(out).find("kube-master is exited") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(fs::path(path).parent_path()));
  }
}

TEST_CASE("report source: no dump in the log is an error and leaves nothing") {
  // a private TMPDIR, restored however the test ends
  struct TmpDir {
    fs::path dir = fs::temp_directory_path() / "dind-report-test-tmpdir";
    test::EnvGuard env;
    TmpDir() {
      fs::remove_all(dir);
      fs::create_directories(dir);
      env.set("TMPDIR", dir.c_str());
    }
    ~TmpDir() { fs::remove_all(dir); }
  } tmp;
  std::istringstream in("just a log\n");
  CHECK_THROWS_WITH(report::DumpDir::from_log(in), "no dump found on stdin");
  CHECK(fs::is_empty(tmp.dir));
}

TEST_CASE("report source: an existing directory is kept and its parent is where JUnit may be") {
  fs::path dir = fs::temp_directory_path() / "dind-report-test-existing" / "cluster-dump";
  fs::create_directories(dir);
  util::write_file((dir / "x").string(), "x\n");
  {
    auto d = report::DumpDir::existing(dir.string() + "/");
    CHECK_FALSE(d.temporary());
    CHECK(d.beside() == dir.parent_path().string());
  }
  CHECK(fs::exists(dir / "x"));
  CHECK_THROWS_AS(report::DumpDir::existing("/nonexistent"), UsageError);
}
