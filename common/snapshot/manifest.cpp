#include "snapshot/manifest.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"

#include <algorithm>
#include <cstdio>

namespace dind::snapshot {

namespace {

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

uint64_t unsigned_field(const json::Value& v, const char* key, const std::string& what) {
  auto* f = json::find(v, {key});
  if (!f || !f->IsUint64()) throw Error(what + ": " + key + " is not a size");
  return f->GetUint64();
}

std::string string_field(const json::Value& v, const char* key, const std::string& what) {
  auto* f = json::find(v, {key});
  if (!f || !f->IsString() || f->GetStringLength() == 0) throw Error(what + ": " + key + " is missing");
  return f->GetString();
}

} // namespace

uint64_t Manifest::size() const {
  uint64_t n = 0;
  for (auto& node : nodes) for (auto& l : node.layers) n += l.size;
  return n;
}

uint64_t Manifest::stored() const {
  uint64_t n = 0;
  for (auto& node : nodes) for (auto& l : node.layers) n += l.stored;
  return n;
}

std::vector<std::string> Manifest::blobs() const {
  std::vector<std::string> out;
  for (auto& node : nodes) {
    for (auto& l : node.layers) {
      if (std::find(out.begin(), out.end(), l.blob) == out.end()) out.push_back(l.blob);
    }
  }
  return out;
}

std::string Manifest::to_json() const {
  json::Writer w(true);
  w.begin_object().kv("format", format).kv("name", name).kv("cluster", cluster).kv("image", image)
      .kv("imageId", image_id).kv("plan", plan).kv("kubernetesVersion", kubernetes_version).kv("created", created);
  w.key("nodes").begin_array();
  for (auto& n : nodes) {
    w.begin_object().kv("container", n.container).kv("role", n.role).key("layers").begin_array();
    for (auto& l : n.layers) {
      w.begin_object().kv("path", l.path).kv("blob", l.blob).kv("size", static_cast<int64_t>(l.size))
          .kv("stored", static_cast<int64_t>(l.stored)).end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

Manifest Manifest::parse(std::string_view text, const std::string& what) {
  auto d = json::parse(text, what);
  if (!d.IsObject()) throw Error(what + ": not a snapshot manifest");
  if (json::num(d, {"format"}, -1) != format) {
    throw Error(what + ": snapshot format " + std::to_string(json::num(d, {"format"}, -1)) + " (this dind reads " +
                std::to_string(format) + ")");
  }
  Manifest m;
  m.name = string_field(d, "name", what);
  if (!valid_name(m.name)) throw Error(what + ": invalid snapshot name '" + m.name + "'");
  m.cluster = string_field(d, "cluster", what);
  m.image = string_field(d, "image", what);
  m.image_id = string_field(d, "imageId", what);
  m.plan = string_field(d, "plan", what);
  m.kubernetes_version = json::str(d, {"kubernetesVersion"});
  m.created = string_field(d, "created", what);
  auto* nodes = json::find(d, {"nodes"});
  if (!nodes || !nodes->IsArray() || nodes->Empty()) throw Error(what + ": no nodes");
  for (auto& n : nodes->GetArray()) {
    NodeState node;
    node.container = string_field(n, "container", what);
    node.role = string_field(n, "role", what);
    if (node.role != "master" && node.role != "worker") throw Error(what + ": node role '" + node.role + "'");
    auto* layers = json::find(n, {"layers"});
    if (!layers || !layers->IsArray()) throw Error(what + ": node " + node.container + " has no layers");
    for (auto& l : layers->GetArray()) {
      Layer layer;
      layer.path = string_field(l, "path", what);
      layer.blob = string_field(l, "blob", what);
      if (layer.path[0] != '/') throw Error(what + ": layer path '" + layer.path + "' is not absolute");
      if (!is_hex64(layer.blob)) throw Error(what + ": blob '" + layer.blob + "' is not a sha256");
      layer.size = unsigned_field(l, "size", what);
      layer.stored = unsigned_field(l, "stored", what);
      node.layers.push_back(layer);
    }
    m.nodes.push_back(std::move(node));
  }
  if (m.nodes[0].role != "master") throw Error(what + ": the first node is not the master");
  return m;
}

std::string layout_identity(const cluster::Layout& plan, const std::string& cni_plugin, const std::string& kube_proxy_mode,
                            const std::string& settings) {
  util::Hasher h;
  h.add(plan.to_json(false)).add(cni_plugin).add(kube_proxy_mode);
  // no settings: the identity snapshots had before settings counted
  if (!settings.empty()) h.add(settings);
  return h.hex();
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9'))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::string human_size(uint64_t bytes) {
  char buf[32];
  if (bytes >= 1000000000) std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(bytes) / 1e9);
  else if (bytes >= 1000000) std::snprintf(buf, sizeof buf, "%.0f MB", static_cast<double>(bytes) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(bytes) / 1e3);
  return buf;
}

} // namespace dind::snapshot
