#include "image/build.hpp"

#include "dind_config.hpp"
#include "recipe_keys.hpp"

#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "image/cache.hpp"
#include "image/go_progress.hpp"
#include "image/oci.hpp"
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
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dind::image {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k8s_binaries = {"kubeadm", "kubelet", "kubectl", "kube-apiserver",
                                               "kube-controller-manager", "kube-scheduler", "kube-proxy"};
// what the node runs itself; the others run from their preloaded images
const std::vector<std::string> node_binaries = {"kubeadm", "kubelet", "kubectl"};

std::string short_key(const std::string& key) { return key.substr(0, 12); }

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
  Release release;
};

std::string go_component(Context& ctx, const std::string& component, const std::string& title) {
  return image::go_component(ctx.steps, component, title, ctx.cache_root, ctx.release);
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

// The Debian root filesystem is the same for every release: keyed by
// images/versions and its recipe alone.
std::string rootfs_key(const std::string& images) {
  return util::Hasher().add(util::Hasher().add_file(images + "/versions").hex()).add_file(images + "/rootfs/build.sh").hex();
}

std::string rootfs(Context& ctx) {
  std::string key = rootfs_key(ctx.images);
  bool cached = ctx.cache.has("rootfs", key);
  std::string suite = version(ctx.release.versions, "DEBIAN_SUITE");
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

std::string base_ref(const std::string& rootfs_key) { return "dind-base:" + short_key(rootfs_key); }

std::string base_image(Context& ctx, const std::string& rootfs_key) {
  std::string ref = base_ref(rootfs_key);
  bool present = docker::inspect_image(ctx.docker, ref).has_value();
  ctx.steps.run("Base image " + ref + (present ? " (present)" : " (docker import)"), [&] {
    if (!present) docker::import_image(ctx.docker, ctx.cache.dir("rootfs", rootfs_key) + "/rootfs.tar", ref, {});
  });
  return ref;
}

struct ComponentImage {
  OciImage image;
  std::vector<std::pair<std::string, std::string>> files;  // in-image path, host path
};

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
  return docker::get_archive(ctx.docker, id, "/out");
}

std::string component_images(Context& ctx, const std::string& k8s, const std::string& etcd, const std::string& coredns,
                             const std::string& base, std::vector<std::string>& refs) {
  const std::string& k8s_version = version(ctx.release.versions, "KUBERNETES_VERSION");
  std::string pause = sibling_binary("dind-pause");
  util::Hasher h;
  h.add(base).add_file(pause).add_file(ctx.images + "/proxy/collect.sh").add(DIND_NODE_RECIPE);
  for (auto& dir : {k8s, etcd, coredns}) h.add_file(dir + "/.complete");
  std::string key = h.hex();
  refs = kubeadm_images(k8s + "/kubeadm", k8s_version);
  std::string pins = ctx.release.override_file.empty() ? "images/versions" : ctx.release.override_file;
  bool cached = ctx.cache.has("images", key);
  ctx.steps.run("Control-plane images (" + std::to_string(refs.size()) + ")" + (cached ? " (cached " + short_key(key) + ")" : ""), [&] {
    ctx.cache.ensure("images", key, [&](const std::string& out) {
      std::vector<ComponentImage> images;
      for (auto& ref : refs) {
        std::string name = docker::split_reference(ref).first;
        name = name.substr(name.rfind('/') + 1);
        std::string tag = docker::split_reference(ref).second;
        ComponentImage img{{ref, "", {"PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, {}}, {}};
        if (name == "etcd") {
          std::string want = version(ctx.release.versions, "ETCD_VERSION").substr(1);
          if (!util::starts_with(tag, want + "-")) throw Error(pins + ": ETCD_VERSION v" + want + " but kubeadm wants etcd " + tag);
          img.files = {{"usr/local/bin/etcd", etcd + "/etcd"}};
        } else if (name == "coredns") {
          if (tag != version(ctx.release.versions, "COREDNS_VERSION")) throw Error(pins + ": COREDNS_VERSION but kubeadm wants coredns " + tag);
          img.files = {{"coredns", coredns + "/coredns"}};
          img.image.entrypoint = {"/coredns"};
        } else if (name == "pause") {
          img.files = {{"pause", pause}};
          img.image.entrypoint = {"/pause"};
        } else {
          img.files = {{"usr/local/bin/" + name, k8s + "/" + name}};
        }
        images.push_back(img);
      }
      std::string userland = proxy_userland(ctx, base);
      // every node runs the sandbox, kube-proxy and CoreDNS; control planes
      // also their static pods: two archives, so nothing is stored twice
      OciArchive common, control_plane;
      uint64_t built = 0;
      for (auto& img : images) {
        std::ostringstream layer;
        util::tar::Writer w(layer);
        for (auto d : {"etc", "tmp", "run", "var", "usr", "usr/local", "usr/local/bin"}) w.add_dir(d);
        w.add_data("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n");
        w.add_data("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        std::string name = docker::split_reference(img.image.reference).first;
        if (util::ends_with(name, "kube-proxy")) {
          for (auto& e : util::tar::read_all(userland)) {
            if (!util::starts_with(e.name, "out/")) continue;
            std::string n = e.name.substr(4);
            if (n.empty() || n == "etc/" || n == "tmp/" || n == "run/" || n == "var/") continue;
            if (e.type == '5') w.add_dir(n, e.mode);
            else if (e.type == '2') w.add_symlink(n, e.link);
            else if (e.type == '0') w.add_data(n, e.content, e.mode);
          }
        }
        for (auto& [path, host] : img.files) w.add_file(path, host, 0755);
        w.finish();
        img.image.layer = layer.str();
        bool everywhere = util::ends_with(name, "/pause") || util::ends_with(name, "/kube-proxy") || util::ends_with(name, "/coredns");
        (everywhere ? common : control_plane).add(img.image);
        img.image.layer.clear();
        ctx.steps.progress("images built", ++built, images.size());
      }
      common.write(out + "/images-common.oci.tar");
      control_plane.write(out + "/images-control-plane.oci.tar");
      std::ofstream(out + "/images.id") << key << "\n";
    });
  });
  return key;
}

// containerd 1.x runs pod sandboxes from its own sandbox_image, not kubelet's:
// it must name the pause image this release's kubeadm preloads (nothing is pulled)
std::string containerd_config(const std::string& file, const std::vector<std::string>& preloaded) {
  auto pause = std::find_if(preloaded.begin(), preloaded.end(), [](auto& r) { return r.find("/pause:") != std::string::npos; });
  if (pause == preloaded.end()) throw Error("kubeadm lists no pause image");
  std::string text = util::read_file(file);
  auto key = text.find("sandbox_image = \"");
  if (key == std::string::npos) throw Error(file + " has no sandbox_image");
  auto begin = key + std::strlen("sandbox_image = \""), end = text.find('"', begin);
  return text.replace(begin, end - begin, *pause);
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

std::string script_image(docker::Client& docker, util::Steps& steps, const std::string& name,
                         const std::vector<std::string>& inputs, const std::vector<std::string>& changes,
                         const std::string& title) {
  std::string images = images_dir();
  std::string dir = script_component(steps, name, images + "/" + name + "/build.sh", {}, inputs, title);
  std::string ref = "dind-" + name + ":" + util::Hasher().add_file(dir + "/.complete").add(util::join(changes, "\n")).hex().substr(0, 12);
  if (!docker::inspect_image(docker, ref)) {
    steps.run("Image " + ref + " (docker import)", [&] { docker::import_image(docker, dir + "/rootfs.tar", ref, changes); });
  }
  return ref;
}

std::string go_component(util::Steps& steps, const std::string& component, const std::string& title,
                         const std::string& cache_root, const Release& release) {
  std::string images = images_dir();
  std::vector<std::string> args = {component}, inputs = {images + "/versions"};
  if (!release.override_file.empty()) args.push_back(release.minor), inputs.push_back(release.override_file);
  return script_component(steps, "go-" + component, images + "/go/build.sh", args, inputs, title, cache_root);
}

std::string built_base_image(docker::Client& docker) {
  std::string ref = base_ref(rootfs_key(images_dir()));
  if (!docker::inspect_image(docker, ref)) throw Error("no " + ref + " image: run `kubectl dind build-image` first");
  return ref;
}

std::string default_node_image(const std::string& k8s_version) {
  std::string dir;
  try {
    dir = images_dir();
  } catch (const Error&) {
    if (!k8s_version.empty()) throw;
    return std::string("dind-node:") + DIND_KUBERNETES_VERSION;
  }
  return "dind-node:" + version(kubernetes_release(dir, k8s_version).versions, "KUBERNETES_VERSION");
}

BuildReport build_node_image(docker::Client& docker, util::Steps& steps, const BuildOptions& options) {
  std::string cache_root = options.cache_root.empty() ? util::cache_dir() : options.cache_root;
  std::string images_root = images_dir();
  Release release = kubernetes_release(images_root, options.k8s_version);
  Context ctx{docker, steps, cache_root, Cache(cache_root), images_root, release};
  BuildReport report;
  report.kubernetes_version = version(ctx.release.versions, "KUBERNETES_VERSION");

  std::string k8s = options.k8s_binaries.empty()
                        ? go_component(ctx, "kubernetes", "Kubernetes " + report.kubernetes_version + " binaries (go build)")
                        : local_binaries(ctx, options.k8s_binaries);
  std::string etcd = go_component(ctx, "etcd", "etcd " + version(ctx.release.versions, "ETCD_VERSION") + " (go build)");
  std::string coredns = go_component(ctx, "coredns", "CoreDNS " + version(ctx.release.versions, "COREDNS_VERSION") + " (go build)");
  // crictl talks CRI, which every release shares: one build
  std::string crictl = image::go_component(ctx.steps, "crictl", "crictl " + version(ctx.release.versions, "CRI_TOOLS_VERSION") + " (go build)", ctx.cache_root);
  std::string rootfs_key = rootfs(ctx);
  std::string base = base_image(ctx, rootfs_key);
  std::string images_key = component_images(ctx, k8s, etcd, coredns, base, report.preloaded);
  std::string images = ctx.cache.dir("images", images_key);

  std::string node_files = ctx.images + "/node/files";
  std::string dind_net = sibling_binary("dind-net");
  std::string key = util::Hasher().add(base).add(images_key).add(DIND_NODE_RECIPE).add_file(dind_net).add_file(k8s + "/.complete").add_file(crictl + "/.complete")
                        .add_tree(node_files).hex();
  report.image = "dind-node:" + report.kubernetes_version + "-" + short_key(key);
  report.alias = "dind-node:" + report.kubernetes_version;
  report.cached = docker::inspect_image(docker, report.image).has_value();
  steps.run("Node image " + report.image + (report.cached ? " (present)" : ""), [&] {
    if (!report.cached) {
      std::string layer = ctx.cache.dir("images", images_key) + "/node-layer.tar.part";
      {
        std::ofstream f(layer, std::ios::binary | std::ios::trunc);
        util::tar::Writer w(f);
        for (auto& b : node_binaries) w.add_file("usr/bin/" + b, k8s + "/" + b, 0755);
        w.add_file("usr/bin/crictl", crictl + "/crictl", 0755);
        w.add_file("usr/local/bin/dind-entrypoint", node_files + "/dind-entrypoint", 0755);
        w.add_file("usr/local/bin/dind-preload", node_files + "/dind-preload", 0755);
        w.add_file("usr/local/bin/dind-net", dind_net, 0755);
        w.add_file("etc/systemd/system/dind-net.service", node_files + "/dind-net.service", 0644);
        w.add_data("etc/containerd/config.toml", containerd_config(node_files + "/containerd-config.toml", report.preloaded), 0644);
        w.add_file("etc/systemd/system/kubelet.service", node_files + "/kubelet.service", 0644);
        w.add_dir("etc/systemd/system/kubelet.service.d");
        w.add_file("etc/systemd/system/kubelet.service.d/10-kubeadm.conf", node_files + "/10-kubeadm.conf", 0644);
        w.add_file("etc/systemd/system/dind-preload.service", node_files + "/dind-preload.service", 0644);
        w.add_dir("etc/systemd/system/containerd.service.d");
        w.add_file("etc/systemd/system/containerd.service.d/10-dind.conf", node_files + "/containerd.conf", 0644);
        w.add_file("etc/crictl.yaml", node_files + "/crictl.yaml", 0644);
        w.add_file("etc/sysctl.d/90-dind.conf", node_files + "/sysctl.conf", 0644);
        w.add_dir("usr/local/share/dind");
        for (auto set : {"images-common.oci.tar", "images-control-plane.oci.tar"}) {
          w.add_file(std::string("usr/local/share/dind/") + set, images + "/" + set, 0644);
        }
        w.add_file("usr/local/share/dind/images.id", images + "/images.id", 0644);
        w.finish();
      }
      try {
        derive_image(docker, base, report.image, [&](const std::string& id) {
          std::ifstream in(layer, std::ios::binary);
          docker::put_archive_stream(docker, id, "/", in, static_cast<int64_t>(fs::file_size(layer)));
          docker::exec_check(docker, id, {"sh", "-c",
              "systemctl enable kubelet.service dind-preload.service containerd.service dind-net.service >/dev/null 2>&1 && "
              "mkdir -p /etc/kubernetes/manifests /etc/cni/net.d /opt/cni && ln -sfn /usr/lib/cni /opt/cni/bin && "
              "echo 'KUBELET_EXTRA_ARGS=' > /etc/default/kubelet"});
        }, {R"(ENTRYPOINT ["/usr/local/bin/dind-entrypoint"])", "CMD []", "ENV container=docker",
            "LABEL io.dind.kubernetes-version=" + report.kubernetes_version});
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
