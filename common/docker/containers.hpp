#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dind::docker {

struct Mount {
  std::string type = "volume";  // volume | bind | tmpfs
  std::string source;
  std::string target;
  bool read_only = false;
  std::string propagation;  // binds: "" (rprivate), rslave, rshared
  bool no_copy = false;     // volumes: not filled from the image's files at that path
};

struct PortBinding {
  std::string container_port;  // "6443/tcp"
  std::string host_ip;         // "127.0.0.1"
  std::string host_port;       // "" = a free one
};

struct ContainerSpec {
  std::string name;
  std::string image;
  std::string hostname;
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  bool privileged = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::vector<std::string> device_cgroup_rules;
  std::vector<std::string> devices;  // host paths, mapped to the same path rwm
  std::map<std::string, std::string> tmpfs;  // path -> options
  std::vector<Mount> mounts;
  std::string cgroupns_mode;  // "private" | "host" | ""
  std::map<std::string, std::string> sysctls;
  std::string network;  // attach at create time
  std::string ipv4, ipv6;
  std::vector<std::string> aliases;
  std::vector<PortBinding> ports;
  std::string restart_policy;  // "", "on-failure", ...
  bool init = false;
  std::string stop_signal;  // systemd wants SIGRTMIN+3
  bool unmask_paths = false;  // the CLI's --security-opt systempaths=unconfined
  int64_t nano_cpus = 0;     // --cpus, in 1e-9 CPUs; 0: no limit
  int64_t memory_bytes = 0;  // --memory, with swap limited to it too; 0: no limit
};

struct ContainerSummary {
  std::string id;
  std::string name;  // without the leading '/'
  std::string image;
  std::string state;  // running, exited, created, ...
  std::map<std::string, std::string> labels;
};

std::string container_create_body(const ContainerSpec& spec);  // the JSON, for tests and -v
std::string create_container(Client& c, const ContainerSpec& spec);
void start_container(Client& c, const std::string& id);
void stop_container(Client& c, const std::string& id, int timeout_seconds = 10);
void kill_container(Client& c, const std::string& id, const std::string& signal = "SIGKILL");
// docker pause / unpause: freezes every process of the container (cgroup freezer).
void pause_container(Client& c, const std::string& id);
void unpause_container(Client& c, const std::string& id);
// force: kill if running; volumes: remove anonymous volumes. Missing is not an error.
void remove_container(Client& c, const std::string& id, bool force = true, bool volumes = true);
// nullopt when there is no such container.
std::optional<json::Document> inspect_container(Client& c, const std::string& id);
std::vector<ContainerSummary> list_containers(Client& c, const std::vector<std::string>& label_filters, bool all = true);
// Containers (running or not) that mount this volume.
std::vector<ContainerSummary> containers_using_volume(Client& c, const std::string& volume);
std::vector<ContainerSummary> parse_container_list(const std::string& body);  // GET /containers/json's answer
int wait_container(Client& c, const std::string& id);
struct Logs {
  std::string out, err;
};
Logs container_logs(Client& c, const std::string& id, const std::string& tail = "all");
struct RunResult {
  int status;
  Logs logs;
};
// docker run --rm, attached: creates, starts and waits for a container, and
// removes it (with its anonymous volumes) however that ends.
RunResult run_container(Client& c, const ContainerSpec& spec);
void put_archive(Client& c, const std::string& id, const std::string& dir, const std::string& tar);
// Files (path relative to "/", content) as one archive put, their parent
// directories made (0755) where missing; files are 0644.
using Files = std::vector<std::pair<std::string, std::string>>;
void put_files(Client& c, const std::string& id, const Files& files);
void put_archive_stream(Client& c, const std::string& id, const std::string& dir, std::istream& tar, int64_t size);
// archive put of an archive made while it is sent (chunked: its length is not
// known up front): write gets the function that sends each piece.
void put_archive_chunked(Client& c, const std::string& id, const std::string& dir,
                         const std::function<void(const std::function<void(std::string_view)>&)>& write);
std::string get_archive(Client& c, const std::string& id, const std::string& path);
// archive get as a stream, piece by piece (a stopped container's volumes included).
void get_archive_stream(Client& c, const std::string& id, const std::string& path,
                        const std::function<void(std::string_view)>& on_data);
// docker diff: what the container's own layer changed, path -> 0 modified, 1 added, 2 deleted.
std::vector<std::pair<std::string, int>> container_changes(Client& c, const std::string& id);
// Reads one file out of a container, following symbolic links.
std::string read_container_file(Client& c, const std::string& id, const std::string& path);
std::string commit_container(Client& c, const std::string& id, const std::string& reference,
                             const std::vector<std::string>& changes);

} // namespace dind::docker
