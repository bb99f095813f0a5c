#include "net/cni.hpp"

#include "util/json.hpp"

namespace dind::net {

std::string cni_config(const std::string& plugin, const cluster::NodeLayout& node) {
  json::Writer w(true);
  w.begin_object().kv("cniVersion", "0.4.0").kv("name", "dind").key("plugins").begin_array();
  w.begin_object().kv("type", plugin);
  if (plugin == "bridge") w.kv("bridge", "dind0").kv("isDefaultGateway", true).kv("hairpinMode", true);
  w.kv("ipMasq", true);
  w.key("ipam").begin_object().kv("type", "host-local").key("ranges").begin_array();
  for (auto& c : node.pod_cidrs) w.begin_array().begin_object().kv("subnet", c).end_object().end_array();
  w.end_array();
  if (plugin == "ptp") {
    w.key("routes").begin_array();
    for (auto& c : node.pod_cidrs) w.begin_object().kv("dst", c.find(':') != std::string::npos ? "::/0" : "0.0.0.0/0").end_object();
    w.end_array();
  }
  w.end_object().end_object();
  w.begin_object().kv("type", "portmap").key("capabilities").begin_object().kv("portMappings", true).end_object().end_object();
  w.end_array().end_object();
  return w.str();
}

} // namespace dind::net
