#include "cluster/load.hpp"

#include "cluster/context.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/tar.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

namespace dind::cluster {

void load_images(docker::Client& docker, util::Steps& steps, const Config& config, const std::vector<std::string>& images) {
  namespace fs = std::filesystem;
  auto plan = net::make_plan(config.plan_input());
  auto nodes = node_containers(docker, plan, true);
  if (nodes.empty()) throw Error("cluster " + plan.name + " has no running nodes: `kubectl dind up` first");
  for (auto& image : images) {
    if (!docker::inspect_image(docker, image)) throw Error("image " + image + " is not in the host's Docker");
  }
  std::string dir = fs::temp_directory_path().string() + "/dind-load-" + std::to_string(::getpid());
  fs::create_directories(dir);
  struct Remove {
    std::string d;
    ~Remove() { std::error_code ec; fs::remove_all(d, ec); }
  } remove{dir};
  // an image whose ID the node's containerd already has is not sent again
  std::map<std::string, std::string> ids;
  for (auto& image : images) ids[image] = json::str(*docker::inspect_image(docker, image), {"Id"});
  std::vector<std::vector<std::string>> wanted(nodes.size());
  parallel(nodes.size(), [&](size_t i) {
    auto have = docker::exec(docker, nodes[i].id, {"crictl", "images", "-q", "--no-trunc"}).out;
    for (auto& image : images) {
      if (have.find(ids[image]) == std::string::npos) wanted[i].push_back(image);
    }
  });
  std::set<std::string> send;
  for (auto& w : wanted) send.insert(w.begin(), w.end());
  std::string title = "Loading " + std::to_string(images.size()) + " image(s) into " + std::to_string(nodes.size()) + " nodes";
  if (send.empty()) {
    steps.run(title + " (all present)", [] {});
    return;
  }
  steps.run(title, [&] {
    docker::save_images(docker, std::vector<std::string>(send.begin(), send.end()), dir + "/images.tar");
    {
      std::ofstream out(dir + "/wrapped.tar", std::ios::binary);
      util::tar::Writer w(out);
      w.add_file("dind-load.tar", dir + "/images.tar", 0644);
      w.finish();
    }
    int64_t size = static_cast<int64_t>(fs::file_size(dir + "/wrapped.tar"));
    parallel(nodes.size(), [&](size_t i) {
      if (wanted[i].empty()) return;
      std::ifstream in(dir + "/wrapped.tar", std::ios::binary);
      // /var is the node's volume: not its tmpfs, and not the image layer
      docker::put_archive_stream(docker, nodes[i].id, "/var", in, size);
      docker::exec_check(docker, nodes[i].id, {"sh", "-c", "ctr -n k8s.io images import /var/dind-load.tar; rc=$?; rm -f /var/dind-load.tar; exit $rc"});
    });
  });
}

} // namespace dind::cluster
