#include "cluster/lxcfs.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dind::cluster::lxcfs {

namespace {

constexpr const char* pid_file = "/run/dind-lxcfs.pid";
constexpr const char* lock_file = "/run/dind-lxcfs.lock";
constexpr const char* log_file = "/run/dind-lxcfs.log";

bool mounted() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto f = util::split(line, ' ');
    if (f.size() > 4 && f[4] == mount_point && line.find(" - fuse.lxcfs ") != std::string::npos) return true;
  }
  return false;
}

// The pid in lxcfs's pid file, if that process is an lxcfs.
std::optional<pid_t> daemon_pid() {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name != "lxcfs") return std::nullopt;
  return static_cast<pid_t>(pid);
}

template <class F> bool wait_for(F done) {
  for (int i = 0; i < 100; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void stop() {
  if (auto pid = daemon_pid()) {
    ::kill(*pid, SIGTERM);
    wait_for([&] { return !daemon_pid(); });
  }
  // a daemon that died leaves its FUSE mount answering ENOTCONN
  if (mounted()) util::run({"umount", "-l", mount_point});
  if (mounted()) throw Error("cannot unmount " + std::string(mount_point) + ": umount -l " + mount_point);
  std::error_code ec;
  fs::remove(mount_point, ec);
}

void start() {
  fs::create_directories(mount_point);
  // --enable-cfs: the CPUs follow the CFS quota (--cpus), not only the cpuset
  util::spawn_daemon({"lxcfs", "--enable-cfs", "-p", pid_file, mount_point}, log_file);
  if (!wait_for([] { return mounted() && fs::exists(std::string(mount_point) + "/proc/meminfo"); })) {
    std::string log = util::trim(util::read_file(log_file));
    throw Error("lxcfs did not mount " + std::string(mount_point) + " within 5s: " +
                (log.empty() ? "no output" : util::split(log, '\n').back()) + " (" + log_file + ")");
  }
}

} // namespace

std::vector<docker::Mount> node_mounts() {
  std::vector<docker::Mount> m;
  for (const char* f : {"/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/sys/devices/system/cpu/online"}) {
    m.push_back({"bind", std::string(mount_point) + f, f, true, ""});
  }
  return m;
}

bool running() { return mounted() && daemon_pid().has_value(); }

std::optional<Problem> problem(const docker::Client& docker) {
  const std::string unset = "or unset NODE_CPUS, NODE_MEMORY, MASTER_CPUS and MASTER_MEMORY";
  if (docker.endpoint().kind != docker::Endpoint::Kind::unix_socket) {
    return Problem{"node limits need lxcfs beside the Docker engine, and Docker at " + docker.endpoint().text + " is not on this host",
                   "run dind on the Docker host, " + unset};
  }
  if (running()) return std::nullopt;
  if (!fs::exists("/dev/fuse")) return Problem{"node limits need lxcfs, which needs /dev/fuse (missing)", "sudo modprobe fuse, " + unset};
  if (util::which("lxcfs").empty()) return Problem{"node limits need lxcfs, which is not installed", "sudo apt-get install lxcfs, " + unset};
  if (::geteuid() != 0) return Problem{"node limits need lxcfs, which dind starts only as root", "run this `up` with sudo once, " + unset};
  return std::nullopt;
}

Use::Use(const docker::Client& docker) : lock_(lock_file, "lxcfs", true) {
  if (auto p = problem(docker)) throw Error(p->what + ": " + p->fix);
  if (running()) return;
  if (mounted() || fs::exists(pid_file)) stop();  // what a dead daemon left
  start();
}

void release(docker::Client& docker) {
  if (!fs::exists(pid_file) && !mounted()) return;
  // only the engine on this host can have nodes on this lxcfs: a remote one
  // without limited nodes says nothing about the local ones
  if (docker.endpoint().kind != docker::Endpoint::Kind::unix_socket) return;
  // the cluster is gone either way: a daemon that cannot be stopped (root's,
  // for a user in the docker group) is worth a warning, not a failed clean
  try {
    util::FileLock lock(lock_file, "lxcfs", true);
    if (!docker::list_containers(docker, {label}).empty()) return;
    stop();
    log::info("stopped lxcfs ({}): no node uses it", mount_point);
  } catch (const util::interrupt::Interrupted&) {
    throw;
  } catch (const Error& e) {
    log::warn("lxcfs at {} left running: {}", mount_point, e.what());
  }
}

} // namespace dind::cluster::lxcfs
