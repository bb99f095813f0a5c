#include "docker/containers.hpp"

#include "docker/demux.hpp"
#include "docker/images.hpp"
#include "util/tar.hpp"

#include <set>
#include <sstream>

namespace dind::docker {

std::string container_create_body(const ContainerSpec& s) {
  json::Writer w;
  w.begin_object();
  w.kv("Image", s.image);
  if (!s.hostname.empty()) w.kv("Hostname", s.hostname);
  if (!s.cmd.empty()) w.strings("Cmd", s.cmd);
  if (!s.entrypoint.empty()) w.strings("Entrypoint", s.entrypoint);
  if (!s.env.empty()) w.strings("Env", s.env);
  if (!s.stop_signal.empty()) w.kv("StopSignal", s.stop_signal);
  w.object("Labels", s.labels);
  if (!s.ports.empty()) {
    std::set<std::string> exposed;
    for (auto& p : s.ports) exposed.insert(p.container_port);
    w.key("ExposedPorts").begin_object();
    for (auto& p : exposed) w.key(p).begin_object().end_object();
    w.end_object();
  }
  w.key("HostConfig").begin_object();
  w.kv("Privileged", s.privileged);
  if (s.init) w.kv("Init", true);
  if (!s.cap_add.empty()) w.strings("CapAdd", s.cap_add);
  if (!s.cap_drop.empty()) w.strings("CapDrop", s.cap_drop);
  if (!s.security_opt.empty()) w.strings("SecurityOpt", s.security_opt);
  if (s.unmask_paths) w.strings("MaskedPaths", {}).strings("ReadonlyPaths", {});
  if (!s.device_cgroup_rules.empty()) w.strings("DeviceCgroupRules", s.device_cgroup_rules);
  if (!s.devices.empty()) {
    w.key("Devices").begin_array();
    for (auto& d : s.devices) {
      w.begin_object().kv("PathOnHost", d).kv("PathInContainer", d).kv("CgroupPermissions", "rwm").end_object();
    }
    w.end_array();
  }
  if (!s.tmpfs.empty()) w.object("Tmpfs", s.tmpfs);
  if (!s.mounts.empty()) {
    w.key("Mounts").begin_array();
    for (auto& m : s.mounts) {
      w.begin_object().kv("Type", m.type).kv("Target", m.target).kv("ReadOnly", m.read_only);
      if (!m.source.empty()) w.kv("Source", m.source);
      if (!m.propagation.empty()) w.key("BindOptions").begin_object().kv("Propagation", m.propagation).end_object();
      if (m.no_copy) w.key("VolumeOptions").begin_object().kv("NoCopy", true).end_object();
      w.end_object();
    }
    w.end_array();
  }
  if (!s.cgroupns_mode.empty()) w.kv("CgroupnsMode", s.cgroupns_mode);
  if (s.nano_cpus) w.kv("NanoCpus", s.nano_cpus);
  // MemorySwap equal to Memory: no swap beyond the limit (Docker's default doubles it)
  if (s.memory_bytes) w.kv("Memory", s.memory_bytes).kv("MemorySwap", s.memory_bytes);
  if (!s.sysctls.empty()) w.object("Sysctls", s.sysctls);
  if (!s.restart_policy.empty()) w.key("RestartPolicy").begin_object().kv("Name", s.restart_policy).end_object();
  if (!s.ports.empty()) {
    // one key per container port, with every host binding of it
    std::map<std::string, std::vector<const PortBinding*>> by_port;
    for (auto& p : s.ports) by_port[p.container_port].push_back(&p);
    w.key("PortBindings").begin_object();
    for (auto& [port, bindings] : by_port) {
      w.key(port).begin_array();
      for (auto* b : bindings) w.begin_object().kv("HostIp", b->host_ip).kv("HostPort", b->host_port).end_object();
      w.end_array();
    }
    w.end_object();
  }
  if (!s.network.empty()) w.kv("NetworkMode", s.network);
  w.end_object();
  if (!s.network.empty()) {
    w.key("NetworkingConfig").begin_object().key("EndpointsConfig").begin_object().key(s.network).begin_object();
    if (!s.ipv4.empty() || !s.ipv6.empty()) {
      w.key("IPAMConfig").begin_object();
      if (!s.ipv4.empty()) w.kv("IPv4Address", s.ipv4);
      if (!s.ipv6.empty()) w.kv("IPv6Address", s.ipv6);
      w.end_object();
    }
    if (!s.aliases.empty()) w.strings("Aliases", s.aliases);
    w.end_object().end_object().end_object();
  }
  w.end_object();
  return w.str();
}

std::string create_container(Client& c, const ContainerSpec& spec) {
  Request r;
  r.method = "POST";
  r.path = "/containers/create";
  if (!spec.name.empty()) r.query = {{"name", spec.name}};
  r.body = container_create_body(spec);
  auto d = json::parse(c.call(r), "container create");
  return json::str(d, {"Id"});
}

void start_container(Client& c, const std::string& id) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/start";
  c.call(r);
}

void stop_container(Client& c, const std::string& id, int timeout_seconds) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/stop";
  r.query = {{"t", std::to_string(timeout_seconds)}};
  r.timeout = std::chrono::seconds(timeout_seconds + 60);
  c.call(r);
}

void kill_container(Client& c, const std::string& id, const std::string& signal) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/kill";
  r.query = {{"signal", signal}};
  c.call(r);
}

void pause_container(Client& c, const std::string& id) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/pause";
  c.call(r);
}

void unpause_container(Client& c, const std::string& id) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/unpause";
  c.call(r);
}

void remove_container(Client& c, const std::string& id, bool force, bool volumes) {
  Request r;
  r.method = "DELETE";
  r.path = "/containers/" + id;
  r.query = {{"force", force ? "1" : "0"}, {"v", volumes ? "1" : "0"}};
  c.call_if_found(r);  // already gone is fine
}

std::optional<json::Document> inspect_container(Client& c, const std::string& id) {
  Request r;
  r.path = "/containers/" + id + "/json";
  auto body = c.call_if_found(r);
  if (!body) return std::nullopt;
  return json::parse(*body, "container inspect");
}

std::vector<ContainerSummary> list_containers(Client& c, const std::vector<std::string>& label_filters, bool all) {
  Request r;
  r.path = "/containers/json";
  r.query = {{"all", all ? "1" : "0"}};
  if (!label_filters.empty()) r.query.emplace_back("filters", label_filter(label_filters));
  return parse_container_list(c.call(r));
}

std::vector<ContainerSummary> containers_using_volume(Client& c, const std::string& volume) {
  Request r;
  r.path = "/containers/json";
  json::Writer filter;
  filter.begin_object().strings("volume", {volume}).end_object();
  r.query = {{"all", "1"}, {"filters", filter.str()}};
  return parse_container_list(c.call(r));
}

std::vector<ContainerSummary> parse_container_list(const std::string& body) {
  auto d = json::parse(body, "container list");
  if (!d.IsArray()) throw Error("container list: the engine's answer is not a JSON array");
  std::vector<ContainerSummary> out;
  for (auto& v : d.GetArray()) {
    ContainerSummary s;
    s.id = json::str(v, {"Id"});
    s.image = json::str(v, {"Image"});
    s.state = json::str(v, {"State"});
    s.labels = json::string_map(v, {"Labels"});
    if (auto* names = json::find(v, {"Names"}); names && names->IsArray() && !names->Empty() && (*names)[0].IsString()) {
      s.name = (*names)[0].GetString();
      if (!s.name.empty() && s.name[0] == '/') s.name.erase(0, 1);
    }
    out.push_back(std::move(s));
  }
  return out;
}

int wait_container(Client& c, const std::string& id) {
  Request r;
  r.method = "POST";
  r.path = "/containers/" + id + "/wait";
  r.timeout = std::chrono::hours(24);
  auto d = json::parse(c.call(r), "container wait");
  return static_cast<int>(json::num(d, {"StatusCode"}, -1));
}

Logs container_logs(Client& c, const std::string& id, const std::string& tail) {
  Request r;
  r.path = "/containers/" + id + "/logs";
  r.query = {{"stdout", "1"}, {"stderr", "1"}, {"tail", tail}};
  Logs logs;
  Demuxer demux([&](int stream, std::string_view data) { (stream == 2 ? logs.err : logs.out).append(data); });
  c.call_stream(r, [&](std::string_view chunk) { demux.feed(chunk); });
  return logs;
}

RunResult run_container(Client& c, const ContainerSpec& spec) {
  auto id = create_container(c, spec);
  try {
    start_container(c, id);
    RunResult r{wait_container(c, id), container_logs(c, id)};
    remove_container(c, id);
    return r;
  } catch (...) {
    try {
      remove_container(c, id);
    } catch (const Error&) {  // the first error is the one to report
    }
    throw;
  }
}

void put_archive(Client& c, const std::string& id, const std::string& dir, const std::string& tar) {
  Request r;
  r.method = "PUT";
  r.path = "/containers/" + id + "/archive";
  r.query = {{"path", dir}};
  r.body = tar;
  r.content_type = "application/x-tar";
  c.call(r);
}

void put_files(Client& c, const std::string& id, const Files& files) {
  std::ostringstream tar;
  util::tar::Writer w(tar);
  std::set<std::string> dirs;
  for (auto& [path, content] : files) {
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      if (dirs.insert(path.substr(0, slash)).second) w.add_dir(path.substr(0, slash), 0755);
    }
    w.add_data(path, content, 0644);
  }
  w.finish();
  put_archive(c, id, "/", tar.str());
}

void put_archive_stream(Client& c, const std::string& id, const std::string& dir, std::istream& tar, int64_t size) {
  Request r;
  r.method = "PUT";
  r.path = "/containers/" + id + "/archive";
  r.query = {{"path", dir}};
  r.body_stream = &tar;
  r.body_size = size;
  r.content_type = "application/x-tar";
  c.call(r);
}

void put_archive_chunked(Client& c, const std::string& id, const std::string& dir,
                         const std::function<void(const std::function<void(std::string_view)>&)>& write) {
  Request r;
  r.method = "PUT";
  r.path = "/containers/" + id + "/archive";
  r.query = {{"path", dir}};
  r.content_type = "application/x-tar";
  auto upload = c.upload(r);
  // a tar comes in 512-byte headers: sent in pieces of 256 KiB, not as they come
  constexpr size_t piece = 256 << 10;
  std::string buf;
  write([&](std::string_view data) {
    buf.append(data);
    if (buf.size() >= piece) {
      upload->write(buf);
      buf.clear();
    }
  });
  upload->write(buf);
  upload->finish();
}

std::string get_archive(Client& c, const std::string& id, const std::string& path) {
  Request r;
  r.path = "/containers/" + id + "/archive";
  r.query = {{"path", path}};
  return c.call(r);
}

void get_archive_stream(Client& c, const std::string& id, const std::string& path,
                        const std::function<void(std::string_view)>& on_data) {
  Request r;
  r.path = "/containers/" + id + "/archive";
  r.query = {{"path", path}};
  c.call_stream(r, on_data);
}

std::vector<std::pair<std::string, int>> container_changes(Client& c, const std::string& id) {
  Request r;
  r.path = "/containers/" + id + "/changes";
  auto d = json::parse(c.call(r), "container changes");
  std::vector<std::pair<std::string, int>> out;
  if (d.IsNull()) return out;  // nothing changed
  if (!d.IsArray()) throw Error("container changes: the engine's answer is not a JSON array");
  for (auto& v : d.GetArray()) out.emplace_back(json::str(v, {"Path"}), static_cast<int>(json::num(v, {"Kind"}, -1)));
  return out;
}

std::string read_container_file(Client& c, const std::string& id, const std::string& path) {
  // the archive holds a link itself, not what it points at (the node's
  // /usr/bin/kubectl links into the Kubernetes images' layer)
  std::string at = path;
  for (int hops = 0; hops < 8; ++hops) {
    auto entries = util::tar::read_all(get_archive(c, id, at));
    if (entries.empty()) break;
    if (entries[0].type == '0') return entries[0].content;
    if (entries[0].type != '2') break;
    const std::string& link = entries[0].link;
    at = link[0] == '/' ? link : at.substr(0, at.rfind('/') + 1) + link;
  }
  throw Error(path + " in container " + id + " is not a regular file");
}

std::string commit_container(Client& c, const std::string& id, const std::string& reference,
                             const std::vector<std::string>& changes) {
  auto [repo, tag] = split_reference(reference);
  Request r;
  r.method = "POST";
  r.path = "/commit";
  r.query = {{"container", id}, {"repo", repo}, {"tag", tag}};
  for (auto& ch : changes) r.query.emplace_back("changes", ch);
  r.body = "{}";
  r.timeout = std::chrono::minutes(30);
  auto d = json::parse(c.call(r), "commit");
  return json::str(d, {"Id"});
}

} // namespace dind::docker
