#include "image/build.hpp"

#include "dind_config.hpp"

#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/volumes.hpp"
#include "image/cache.hpp"
#include "image/go_progress.hpp"
#include "image/derive.hpp"
#include "image/versions.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dind::image {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k8s_binaries = {"kubeadm", "kubelet", "kubectl", "kube-apiserver",
                                               "kube-controller-manager", "kube-scheduler", "kube-proxy"};
// what the node runs itself; the other binaries run in their images
const std::vector<std::string> node_binaries = {"kubeadm", "kubelet", "kubectl"};
// The node runs those from the Kubernetes images' shared layer, unpacked in
// the node image: preload-store.sh points this at it.
const std::string node_binaries_link = "/usr/local/share/dind/kubernetes";

std::string short_key(const std::string& key) { return key.substr(0, 12); }

// Bumped when the node image recipe in this file changes (labels, commit changes).
constexpr const char* build_recipe_version = "node-recipe-4";

// Our binaries in the images sit next to the tools (build tree, bin or libexec).
std::string sibling_binary(const std::string& name) {
  std::string self = fs::read_symlink("/proc/self/exe").parent_path();
  for (std::string p : {self + "/" + name, self + "/../libexec/dind/" + name}) {
    if (fs::exists(p)) return p;
  }
  throw Error("cannot find " + name + " next to " + self + " (build it with meson)");
}

void log_line(const std::string& line) { log::debug("  {}", line); }

struct Context {
  docker::Client& docker;
  util::Steps& steps;
  std::string cache_root;
  Cache cache;
  std::string images;  // images/ dir
  std::map<std::string, std::string> versions;
  std::string versions_hash;
};

std::string go_component(Context& ctx, const std::string& component, const std::string& title) {
  return image::go_component(ctx.steps, component, title, ctx.cache_root);
}

std::string local_binaries(Context& ctx, const std::string& src) {
  util::Hasher h;
  for (auto& b : k8s_binaries) h.add(b).add_file(src + "/" + b);
  std::string key = h.hex();
  std::string dir;
  ctx.steps.run("Kubernetes binaries from " + src, [&] {
    dir = ctx.cache.ensure("k8s-local", key, [&](const std::string& out) {
      for (auto& b : k8s_binaries) fs::copy_file(src + "/" + b, out + "/" + b);
    });
  });
  return dir;
}

std::string rootfs(Context& ctx) {
  std::string key = util::Hasher().add(ctx.versions_hash).add_file(ctx.images + "/rootfs/build.sh").hex();
  bool cached = ctx.cache.has("rootfs", key);
  std::string suite = version(ctx.versions, "DEBIAN_SUITE");
  ctx.steps.run("Debian " + suite + " root filesystem (debootstrap)" + (cached ? " (cached " + short_key(key) + ")" : ""), [&] {
    if (::geteuid() != 0 && !cached) throw Error("debootstrap needs root: run build-image as root once (the result is cached)");
    ctx.cache.ensure("rootfs", key, [&](const std::string& out) {
      util::ProcessOptions o;
      o.on_line = log_line;
      util::check({ctx.images + "/rootfs/build.sh", out + "/rootfs.tar"}, o);
    });
  });
  return key;
}

std::string base_image(Context& ctx, const std::string& rootfs_key) {
  std::string ref = "dind-base:" + short_key(rootfs_key);
  bool present = docker::inspect_image(ctx.docker, ref).has_value();
  ctx.steps.run("Base image " + ref + (present ? " (present)" : " (docker import)"), [&] {
    if (!present) docker::import_image(ctx.docker, ctx.cache.dir("rootfs", rootfs_key) + "/rootfs.tar", ref, {});
  });
  return ref;
}

// kubeadm names the images it wants; we build exactly those.
std::vector<std::string> kubeadm_images(const std::string& kubeadm, const std::string& k8s_version) {
  auto r = util::check({kubeadm, "config", "images", "list", "--kubernetes-version", k8s_version});
  return util::split(r.out, '\n');
}

// kube-proxy needs iptables from the base rootfs: collected in a throwaway container.
std::string proxy_userland(Context& ctx, const std::string& base) {
  docker::ContainerSpec spec;
  spec.image = base;
  spec.entrypoint = {"sleep", "infinity"};
  spec.network = "none";  // the build is offline; nor does it need the daemon's docker0
  spec.labels = {{"io.dind.build", "1"}};
  std::string id = docker::create_container(ctx.docker, spec);
  struct Remove {
    docker::Client& c;
    std::string id;
    ~Remove() {
      util::interrupt::Cleanup cleaning;  // also after Ctrl-C
      try { docker::remove_container(c, id); } catch (...) {}
    }
  } remove{ctx.docker, id};
  docker::start_container(ctx.docker, id);
  docker::ExecOptions o;
  o.input = util::read_file(ctx.images + "/proxy/collect.sh");
  docker::exec_check(ctx.docker, id, {"sh", "-s"}, o);
  // /out's entries as a layer rooted at /
  std::ostringstream layer;
  util::tar::Writer w(layer);
  for (auto& e : util::tar::read_all(docker::get_archive(ctx.docker, id, "/out"))) {
    if (!util::starts_with(e.name, "out/")) continue;
    std::string n = e.name.substr(4);
    if (n.empty()) continue;
    if (e.type == '5') w.add_dir(n, e.mode);
    else if (e.type == '2') w.add_symlink(n, e.link);
    else if (e.type == '0') w.add_data(n, e.content, e.mode);
  }
  w.finish();
  return layer.str();
}

// The Kubernetes binaries as the build made them, links as links.
void add_k8s_binaries(util::tar::Writer& w, const std::string& dir, const std::string& prefix) {
  std::vector<fs::path> entries;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string()[0] != '.') entries.push_back(e.path());
  }
  std::sort(entries.begin(), entries.end());
  for (auto& p : entries) {
    if (fs::is_symlink(p)) w.add_symlink(prefix + p.filename().string(), fs::read_symlink(p).string());
    else w.add_file(prefix + p.filename().string(), p.string(), 0755);
  }
}

// A layer on top of an image: put into a container that is never started
// (the image has no shell to idle with) and committed. The command only
// satisfies create; the commit clears it.
void add_layer(docker::Client& docker, const std::string& from, const std::string& ref, const std::string& tar) {
  docker::ContainerSpec spec;
  spec.image = from;
  spec.cmd = {"/nothing"};
  spec.labels = {{"io.dind.build", "1"}};
  std::string id = docker::create_container(docker, spec);
  struct Remove {
    docker::Client& c;
    std::string id;
    ~Remove() {
      util::interrupt::Cleanup cleaning;
      try { docker::remove_container(c, id); } catch (...) {}
    }
  } remove{docker, id};
  docker::put_archive(docker, id, "/", tar);
  docker::commit_container(docker, id, ref, {"CMD []"});
}

std::string component_images(Context& ctx, const std::string& k8s, const std::string& etcd, const std::string& coredns,
                             const std::string& base, std::vector<std::string>& refs) {
  const std::string& k8s_version = version(ctx.versions, "KUBERNETES_VERSION");
  std::string pause = sibling_binary("dind-pause");
  util::Hasher h;
  h.add(base).add_file(pause).add_file(ctx.images + "/proxy/collect.sh").add("worker-set-2");
  for (auto& dir : {k8s, etcd, coredns}) h.add_file(dir + "/.complete");
  std::string key = h.hex();
  refs = kubeadm_images(k8s + "/kubeadm", k8s_version);
  bool cached = ctx.cache.has("images", key);
  ctx.steps.run("Control-plane images (" + std::to_string(refs.size()) + ")" + (cached ? " (cached " + short_key(key) + ")" : ""), [&] {
    ctx.cache.ensure("images", key, [&](const std::string& out) {
      const std::vector<std::string> path_env = {"ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
      std::string tar_path = out + "/layer.tar";
      auto import = [&](const std::string& ref, const std::vector<std::pair<std::string, std::string>>& files,
                        const std::string& k8s_dir, const std::vector<std::string>& changes) {
        {
          std::ofstream f(tar_path, std::ios::binary | std::ios::trunc);
          util::tar::Writer w(f);
          for (auto d : {"etc", "tmp", "run", "var", "usr", "usr/local", "usr/local/bin"}) w.add_dir(d);
          w.add_data("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n");
          w.add_data("etc/group", "root:x:0:\nnogroup:x:65534:\n");
          if (!k8s_dir.empty()) add_k8s_binaries(w, k8s_dir, "usr/local/bin/");
          for (auto& [path, host] : files) w.add_file(path, host, 0755);
          w.finish();
        }
        docker::import_image(ctx.docker, tar_path, ref, changes);
        fs::remove(tar_path);
      };
      // The Kubernetes images are one layer holding all the binaries (one
      // multi-call binary and its links): containerd stores and unpacks a
      // layer once however many images name it. kube-proxy adds iptables.
      std::string shared = "dind-build-kubernetes:" + short_key(key);
      import(shared, {}, k8s, path_env);
      struct RemoveShared {
        docker::Client& c;
        std::string ref;
        ~RemoveShared() {
          util::interrupt::Cleanup cleaning;
          try { docker::remove_image(c, ref); } catch (...) {}
        }
      } remove_shared{ctx.docker, shared};
      uint64_t imported = 0;
      for (auto& ref : refs) {
        std::string name = docker::split_reference(ref).first;
        name = name.substr(name.rfind('/') + 1);
        std::string tag = docker::split_reference(ref).second;
        if (name == "etcd") {
          std::string want = version(ctx.versions, "ETCD_VERSION").substr(1);
          if (!util::starts_with(tag, want + "-")) throw Error("images/versions: ETCD_VERSION v" + want + " but kubeadm wants etcd " + tag);
          import(ref, {{"usr/local/bin/etcd", etcd + "/etcd"}}, "", path_env);
        } else if (name == "coredns") {
          if (tag != version(ctx.versions, "COREDNS_VERSION")) throw Error("images/versions: COREDNS_VERSION but kubeadm wants coredns " + tag);
          import(ref, {{"coredns", coredns + "/coredns"}}, "", {path_env[0], R"(ENTRYPOINT ["/coredns"])"});
        } else if (name == "pause") {
          import(ref, {{"pause", pause}}, "", {path_env[0], R"(ENTRYPOINT ["/pause"])"});
        } else if (name == "kube-proxy") {
          add_layer(ctx.docker, shared, ref, proxy_userland(ctx, base));
        } else {
          docker::tag_image(ctx.docker, shared, ref);
        }
        ctx.steps.progress("images imported", ++imported, refs.size());
      }
      docker::save_images(ctx.docker, refs, out + "/images.tar");
      for (auto& ref : refs) docker::remove_image(ctx.docker, ref);
      std::ofstream(out + "/images.id") << key << "\n";
    });
  });
  return key;
}

// containerd in the build container imports the images once, unpacked onto
// the volume at /var/lib/containerd; preload-store.sh moves the layers into
// the image and keeps the store's records for dind-preload to copy at boot.
void preload_images(docker::Client& docker, const std::string& id, const std::string& images_tar,
                    const std::string& images_id, const std::string& store_script) {
  docker::exec_check(docker, id, {"sh", "-c", "containerd >/var/log/dind-build-containerd.log 2>&1 &"});
  docker::exec_check(docker, id, {"sh", "-c", "for i in $(seq 100); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.1; done; "
                                              "cat /var/log/dind-build-containerd.log >&2; exit 1"});
  docker::ExecStream import(docker, id, {"ctr", "-n", "k8s.io", "images", "import", "-"}, {});
  std::ifstream in(images_tar, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    import.write(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  }
  auto r = import.finish();
  if (r.exit_code != 0) throw Error("ctr images import in the build container: " + util::trim(r.err));
  docker::exec_check(docker, id, {"sh", "-c", util::read_file(store_script), "preload-store", images_id});
}

} // namespace

std::string script_component(util::Steps& steps, const std::string& name, const std::string& script,
                             const std::vector<std::string>& args, const std::vector<std::string>& inputs,
                             const std::string& title, const std::string& cache_root) {
  Cache cache(cache_root.empty() ? util::cache_dir() : cache_root);
  util::Hasher h;
  h.add(util::join(args, " "));
  for (auto& input : inputs) h.add(util::Hasher().add_file(input).hex());
  std::string key = h.add_file(script).hex();
  bool cached = cache.has(name, key);
  std::string dir;
  steps.run(title + (cached ? " (cached " + short_key(key) + ")" : ""), [&] {
    dir = cache.ensure(name, key, [&](const std::string& out) {
      GoProgress go;
      util::ProcessOptions o;
      o.on_line = [&](const std::string& line) {
        log_line(line);
        if (go.line(line)) steps.progress("Go packages", go.done(), go.total());
      };
      std::vector<std::string> command = {script};
      command.insert(command.end(), args.begin(), args.end());
      command.push_back(out);
      util::check(command, o);
    });
  });
  return dir;
}

std::string go_component(util::Steps& steps, const std::string& component, const std::string& title,
                         const std::string& cache_root) {
  std::string images = images_dir();
  std::vector<std::string> inputs = {images + "/versions"};
  if (component == "kubernetes") inputs.push_back(images + "/go/kube/main.go");  // the multi-call binary's main
  return script_component(steps, "go-" + component, images + "/go/build.sh", {component}, inputs, title, cache_root);
}

std::string default_node_image() {
  std::string dir;
  try {
    dir = images_dir();
  } catch (const Error&) {
    return std::string("dind-node:") + DIND_KUBERNETES_VERSION;
  }
  return "dind-node:" + version(load_versions(dir + "/versions"), "KUBERNETES_VERSION");
}

BuildReport build_node_image(docker::Client& docker, util::Steps& steps, const BuildOptions& options) {
  std::string cache_root = options.cache_root.empty() ? util::cache_dir() : options.cache_root;
  Context ctx{docker, steps, cache_root, Cache(cache_root), images_dir(), {}, {}};
  ctx.versions = load_versions(ctx.images + "/versions");
  ctx.versions_hash = util::Hasher().add_file(ctx.images + "/versions").hex();
  BuildReport report;
  report.kubernetes_version = version(ctx.versions, "KUBERNETES_VERSION");

  std::string k8s = options.k8s_binaries.empty()
                        ? go_component(ctx, "kubernetes", "Kubernetes " + report.kubernetes_version + " multi-call binary (go build)")
                        : local_binaries(ctx, options.k8s_binaries);
  std::string etcd = go_component(ctx, "etcd", "etcd " + version(ctx.versions, "ETCD_VERSION") + " (go build)");
  std::string coredns = go_component(ctx, "coredns", "CoreDNS " + version(ctx.versions, "COREDNS_VERSION") + " (go build)");
  std::string crictl = go_component(ctx, "crictl", "crictl " + version(ctx.versions, "CRI_TOOLS_VERSION") + " (go build)");
  std::string rootfs_key = rootfs(ctx);
  std::string base = base_image(ctx, rootfs_key);
  std::string images_key = component_images(ctx, k8s, etcd, coredns, base, report.preloaded);
  std::string images = ctx.cache.dir("images", images_key);

  std::string node_files = ctx.images + "/node/files";
  std::string dind_net = sibling_binary("dind-net");
  std::string store_script = ctx.images + "/node/preload-store.sh";
  std::string key = util::Hasher().add(base).add(images_key).add(build_recipe_version).add_file(dind_net).add_file(k8s + "/.complete").add_file(crictl + "/.complete")
                        .add_tree(node_files).add_file(store_script).hex();
  report.image = "dind-node:" + report.kubernetes_version + "-" + short_key(key);
  report.alias = "dind-node:" + report.kubernetes_version;
  report.cached = docker::inspect_image(docker, report.image).has_value();
  steps.run("Node image " + report.image + (report.cached ? " (present)" : ""), [&] {
    if (!report.cached) {
      std::string layer = ctx.cache.dir("images", images_key) + "/node-layer.tar.part";
      {
        std::ofstream f(layer, std::ios::binary | std::ios::trunc);
        util::tar::Writer w(f);
        for (auto& b : node_binaries) w.add_symlink("usr/bin/" + b, node_binaries_link + "/" + b);
        w.add_file("usr/bin/crictl", crictl + "/crictl", 0755);
        w.add_file("usr/local/bin/dind-entrypoint", node_files + "/dind-entrypoint", 0755);
        w.add_file("usr/local/bin/dind-preload", node_files + "/dind-preload", 0755);
        w.add_file("usr/local/bin/dind-net", dind_net, 0755);
        w.add_file("etc/systemd/system/dind-net.service", node_files + "/dind-net.service", 0644);
        w.add_file("etc/containerd/config.toml", node_files + "/containerd-config.toml", 0644);
        w.add_file("etc/systemd/system/kubelet.service", node_files + "/kubelet.service", 0644);
        w.add_dir("etc/systemd/system/kubelet.service.d");
        w.add_file("etc/systemd/system/kubelet.service.d/10-kubeadm.conf", node_files + "/10-kubeadm.conf", 0644);
        w.add_file("etc/systemd/system/dind-preload.service", node_files + "/dind-preload.service", 0644);
        w.add_file("etc/crictl.yaml", node_files + "/crictl.yaml", 0644);
        w.add_file("etc/sysctl.d/90-dind.conf", node_files + "/sysctl.conf", 0644);
        w.add_dir("usr/local/share/dind");
        w.finish();
      }
      // containerd's store is built on a volume: its overlay mounts need a real file system
      std::string store_volume = "dind-build-" + short_key(key) + "-" + std::to_string(::getpid());
      docker::create_volume(docker, store_volume, {{"io.dind.build", "1"}});
      struct RemoveVolume {
        docker::Client& c;
        std::string name;
        ~RemoveVolume() {
          util::interrupt::Cleanup cleaning;
          try { docker::remove_volume(c, name); } catch (...) {}
        }
      } remove_volume{docker, store_volume};
      try {
        derive_image(docker, base, report.image, [&](const std::string& id) {
          std::ifstream in(layer, std::ios::binary);
          docker::put_archive_stream(docker, id, "/", in, static_cast<int64_t>(fs::file_size(layer)));
          docker::exec_check(docker, id, {"sh", "-c",
              "systemctl enable kubelet.service dind-preload.service containerd.service dind-net.service >/dev/null 2>&1 && "
              "mkdir -p /etc/kubernetes/manifests /etc/cni/net.d /opt/cni && ln -sfn /usr/lib/cni /opt/cni/bin && "
              "echo 'KUBELET_EXTRA_ARGS=' > /etc/default/kubelet"});
          preload_images(docker, id, images + "/images.tar", util::trim(util::read_file(images + "/images.id")), store_script);
        }, {R"(ENTRYPOINT ["/usr/local/bin/dind-entrypoint"])", "CMD []", "ENV container=docker",
            "LABEL io.dind.kubernetes-version=" + report.kubernetes_version},
        [&](docker::ContainerSpec& spec) {
          // mounting overlays, as containerd does when it unpacks
          spec.cap_add = {"SYS_ADMIN"};
          spec.network = "none";
          spec.security_opt = {"seccomp=unconfined", "apparmor=unconfined", "label=disable"};
          spec.mounts.push_back({"volume", store_volume, "/var/lib/containerd", false});
        });
      } catch (...) {
        fs::remove(layer);
        throw;
      }
      fs::remove(layer);
    }
    docker::tag_image(docker, report.image, report.alias);
  });
  if (auto d = docker::inspect_image(docker, report.image)) report.size = json::num(*d, {"Size"});
  return report;
}

} // namespace dind::image
