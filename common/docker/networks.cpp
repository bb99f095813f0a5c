#include "docker/networks.hpp"

namespace dind::docker {

std::string network_create_body(const NetworkSpec& s) {
  json::Writer w;
  w.begin_object().kv("Name", s.name).kv("Driver", s.driver).kv("CheckDuplicate", true).kv("EnableIPv6", s.ipv6);
  if (s.attachable) w.kv("Attachable", true);
  w.object("Labels", s.labels);
  w.object("Options", s.options);
  w.key("IPAM").begin_object().kv("Driver", "default").key("Config").begin_array();
  for (auto& sub : s.subnets) {
    w.begin_object().kv("Subnet", sub.subnet);
    if (!sub.gateway.empty()) w.kv("Gateway", sub.gateway);
    if (!sub.ip_range.empty()) w.kv("IPRange", sub.ip_range);
    w.end_object();
  }
  w.end_array().end_object().end_object();
  return w.str();
}

std::string create_network(Client& c, const NetworkSpec& s) {
  Request r;
  r.method = "POST";
  r.path = "/networks/create";
  r.body = network_create_body(s);
  return json::str(json::parse(c.call(r), "network create"), {"Id"});
}

std::vector<NetworkSummary> list_networks(Client& c, const std::vector<std::string>& label_filters) {
  Request r;
  r.path = "/networks";
  if (!label_filters.empty()) r.query = {{"filters", label_filter(label_filters)}};
  return parse_network_list(c.call(r));
}

std::vector<NetworkSummary> parse_network_list(const std::string& body) {
  auto d = json::parse(body, "network list");
  if (!d.IsArray()) throw Error("network list: the engine's answer is not a JSON array");
  std::vector<NetworkSummary> out;
  for (auto& n : d.GetArray()) {
    NetworkSummary s;
    s.id = json::str(n, {"Id"});
    s.name = json::str(n, {"Name"});
    s.labels = json::string_map(n, {"Labels"});
    if (auto* cfg = json::find(n, {"IPAM", "Config"}); cfg && cfg->IsArray()) {
      for (auto& sub : cfg->GetArray()) s.subnets.push_back(json::str(sub, {"Subnet"}));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<json::Document> inspect_network(Client& c, const std::string& id) {
  Request r;
  r.path = "/networks/" + id;
  auto body = c.call_if_found(r);
  if (!body) return std::nullopt;
  return json::parse(*body, "network inspect");
}

void remove_network(Client& c, const std::string& id) {
  Request r;
  r.method = "DELETE";
  r.path = "/networks/" + id;
  c.call_if_found(r);  // already gone is fine
}

void connect_network(Client& c, const std::string& network, const std::string& container, const std::string& ipv4,
                     const std::string& ipv6) {
  json::Writer w;
  w.begin_object().kv("Container", container).key("EndpointConfig").begin_object().key("IPAMConfig").begin_object();
  if (!ipv4.empty()) w.kv("IPv4Address", ipv4);
  if (!ipv6.empty()) w.kv("IPv6Address", ipv6);
  w.end_object().end_object().end_object();
  Request r;
  r.method = "POST";
  r.path = "/networks/" + network + "/connect";
  r.body = w.str();
  c.call(r);
}

void disconnect_network(Client& c, const std::string& network, const std::string& container) {
  json::Writer w;
  w.begin_object().kv("Container", container).kv("Force", true).end_object();
  Request r;
  r.method = "POST";
  r.path = "/networks/" + network + "/disconnect";
  r.body = w.str();
  c.call(r);
}

} // namespace dind::docker
