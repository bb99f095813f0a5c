#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dind::docker {

struct Subnet {
  std::string subnet;
  std::string gateway;  // "" lets Docker pick
  std::string ip_range = {};  // where Docker picks addresses itself ("": anywhere in the subnet)
};

struct NetworkSpec {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Subnet> subnets;  // IPv4 and/or IPv6
  bool ipv6 = false;
  std::map<std::string, std::string> options;  // driver options
  std::string driver = "bridge";  // or "overlay", on a swarm manager
  bool attachable = false;        // overlay: plain containers may join, not only services
};

struct NetworkSummary {
  std::string id;
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<std::string> subnets;
};

std::string network_create_body(const NetworkSpec& spec);  // the JSON, for tests
std::string create_network(Client& c, const NetworkSpec& spec);
std::vector<NetworkSummary> list_networks(Client& c, const std::vector<std::string>& label_filters);
std::vector<NetworkSummary> parse_network_list(const std::string& body);  // GET /networks' answer
std::optional<json::Document> inspect_network(Client& c, const std::string& id);
// Missing is not an error.
void remove_network(Client& c, const std::string& id);
void connect_network(Client& c, const std::string& network, const std::string& container, const std::string& ipv4 = "",
                     const std::string& ipv6 = "");
// Forced: works on a stopped container too.
void disconnect_network(Client& c, const std::string& network, const std::string& container);

} // namespace dind::docker
