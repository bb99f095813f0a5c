#include "image/go_progress.hpp"

#include "image/build.hpp"
#include "util/steps.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

using namespace dind;

TEST_CASE("go progress: package names counted against the announced total") {
  image::GoProgress p;
  CHECK_FALSE(p.line("k8s.io/api/core/v1"));  // before any total: not counted
  CHECK(p.line("dind-progress: 1934 Go packages"));
  CHECK(p.total() == 1934);
  CHECK(p.line("internal/goarch"));
  CHECK(p.line("k8s.io/kubernetes/cmd/kubeadm"));
  CHECK_FALSE(p.line("go: downloading k8s.io/api v0.34.4"));
  CHECK_FALSE(p.line("# k8s.io/kubernetes/pkg/x"));
  CHECK_FALSE(p.line("pkg/x/y.go:12:3: undefined: z"));
  CHECK_FALSE(p.line(""));
  CHECK(p.done() == 2);
  CHECK(p.line("dind-progress: 40 Go packages"));  // the next go build of the script
  CHECK(p.done() == 0);
  CHECK(p.total() == 40);
}

TEST_CASE("go progress: a build script's package count shows on its step line") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "dind-go-progress-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string script = (dir / "build.sh").string();
  util::write_file(script,
                   "#!/bin/sh\necho 'dind-progress: 4 Go packages' >&2\necho internal/abi >&2\necho k8s.io/api/core/v1 >&2\n"
                   "sleep 0.6\necho done > \"$1/out\"\n",
                   0755);
  std::FILE* out = std::tmpfile();
  {
    util::Steps steps(false, false, out, std::chrono::milliseconds(100));
    image::script_component(steps, "fake", script, {}, {}, "fake Go build", (dir / "cache").string());
  }
  std::rewind(out);
  std::string text(1 << 16, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  INFO(text);
  CHECK(text.find(" • fake Go build ... ") != std::string::npos);
  CHECK(text.find(", Go packages 2/4\n") != std::string::npos);
  fs::remove_all(dir);
}
