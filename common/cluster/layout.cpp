#include "cluster/layout.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/quantity.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace dind::cluster {

using net::Address;
using net::Cidr;
using net::Family;
using net::IpMode;

namespace {

[[noreturn]] void refuse(const std::string& var, const std::string& why) { throw UsageError(var + ": " + why); }

Cidr parse_cidr(const std::string& var, const std::string& text) {
  try {
    return Cidr::parse(text);
  } catch (const Error& e) {
    refuse(var, e.what());
  }
}

// "a,b" -> one CIDR per family the mode wants, defaults for the rest.
std::vector<Cidr> per_family(const std::string& var, const std::string& value, IpMode mode, const char* def4,
                             const char* def6) {
  std::optional<Cidr> v4, v6;
  for (auto& part : util::split(value, ',')) {
    Cidr c = parse_cidr(var, util::trim(part));
    auto& slot = c.family() == Family::v4 ? v4 : v6;
    if (slot) refuse(var, "more than one " + std::string(c.family() == Family::v4 ? "IPv4" : "IPv6") + " CIDR");
    slot = c;
  }
  if (mode == IpMode::ipv4 && v6) refuse(var, "'" + v6->str() + "' is IPv6 but IP_MODE is ipv4");
  if (mode == IpMode::ipv6 && v4) refuse(var, "'" + v4->str() + "' is IPv4 but IP_MODE is ipv6");
  std::vector<Cidr> out;
  if (mode != IpMode::ipv6) out.push_back(v4 ? *v4 : Cidr::parse(def4));
  if (mode != IpMode::ipv4) out.push_back(v6 ? *v6 : Cidr::parse(def6));
  return out;
}

// IPv6: the cluster id, read as hex, becomes the hextet right before "::".
Cidr inject_v6(const std::string& var, const std::string& text, const Cidr& c, int id, const std::string& id_text) {
  if (id == 0) return c;
  auto dc = text.find("::");
  if (dc == std::string::npos) refuse(var, "'" + text + "' must end in '::' so the cluster id has a hextet");
  std::string head = text.substr(0, dc);
  size_t k = head.empty() ? 0 : util::split(head, ':', false).size();
  if (static_cast<int>(k + 1) * 16 > c.prefix()) {
    refuse(var, "'" + text + "' has no room for the cluster id: hextet " + std::to_string(k + 1) +
                    " lies outside the /" + std::to_string(c.prefix()));
  }
  unsigned long hextet = std::stoul(id_text, nullptr, 16);
  Address a = c.network();
  a.bytes()[k * 2] = static_cast<uint8_t>(hextet >> 8);
  a.bytes()[k * 2 + 1] = static_cast<uint8_t>(hextet & 0xff);
  return Cidr(a, c.prefix());
}

Cidr inject_v4(const std::string& var, const Cidr& c, int id) {
  if (c.prefix() != 24) refuse(var, "'" + c.str() + "' must be a /24 (its third octet is the cluster id)");
  Address a = c.network();
  if (id != 0) a.bytes()[2] = static_cast<uint8_t>(id);
  return Cidr(a, 24);
}

void no_overlap(const std::string& a_var, const std::vector<Cidr>& a, const std::string& b_var,
                const std::vector<Cidr>& b) {
  for (auto& x : a) {
    for (auto& y : b) {
      if (x.overlaps(y)) refuse(a_var, "'" + x.str() + "' overlaps " + b_var + " '" + y.str() + "'");
    }
  }
}

// A label names containers, volumes, the network, Kubernetes nodes (DNS
// names) and a kubeconfig context; and it must never name another cluster.
void check_label(const std::string& label, int cluster_id, const std::string& id_text) {
  const std::string var = "DIND_LABEL";
  if (label.size() > 40) refuse(var, "'" + label + "' is longer than 40 characters (node names must stay valid host names)");
  if (label.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos ||
      !std::isalnum(static_cast<unsigned char>(label.front())) || !std::isalnum(static_cast<unsigned char>(label.back()))) {
    refuse(var, "'" + label + "' may only hold lower-case letters, digits, '-' and '.', and must start and end with a "
                "letter or digit (node names are DNS names)");
  }
  // kube-master-2 is another cluster's second control plane
  if (size_t d = label.find_first_not_of("0123456789"); d == std::string::npos || (d > 0 && label[d] == '-')) {
    refuse(var, "'" + label + "' would name nodes as another cluster's control planes (kube-master-" + label +
                    "): start it with a letter");
  }
  std::string name = label + (cluster_id ? "-" + id_text : "");
  bool id_like = util::starts_with(name, "cluster-") && name.size() > 8 &&
                 name.find_first_not_of("0123456789", 8) == std::string::npos;
  if (name == "default" || id_like) {
    refuse(var, "'" + label + "' would name the same cluster as " +
                    (name == "default" ? std::string("the default one") : "CLUSTER_ID=" + name.substr(8)) +
                    ": pick another label");
  }
}

} // namespace

LayoutInput LayoutInput::from(const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  LayoutInput in;
  auto set = [&](const char* name, std::string& field) {
    if (auto v = lookup(name)) field = *v;
  };
  set("IP_MODE", in.ip_mode);
  set("CLUSTER_ID", in.cluster_id);
  set("DIND_LABEL", in.dind_label);
  set("MGMT_CIDRS", in.mgmt_cidrs);
  set("DIND_SUBNET", in.dind_subnet);
  set("DIND_SUBNET_SIZE", in.dind_subnet_size);
  set("POD_NETWORK_CIDR", in.pod_network_cidr);
  set("SERVICE_CIDR", in.service_cidr);
  set("NUM_NODES", in.num_nodes);
  set("NUM_CONTROL_PLANES", in.num_control_planes);
  set("DNS64_PREFIX", in.dns64_prefix);
  set("NAT64_V4_SUBNET_PREFIX", in.nat64_v4_subnet_prefix);
  set("NODE_CPUS", in.node_cpus);
  set("NODE_MEMORY", in.node_memory);
  set("MASTER_CPUS", in.master_cpus);
  set("MASTER_MEMORY", in.master_memory);
  return in;
}

std::string Layout::mode_name() const {
  return mode == IpMode::ipv4 ? "ipv4" : mode == IpMode::ipv6 ? "ipv6" : "dual-stack";
}

Layout make_layout(const LayoutInput& in) {
  Layout p;
  if (in.ip_mode == "ipv4") p.mode = IpMode::ipv4;
  else if (in.ip_mode == "ipv6") p.mode = IpMode::ipv6;
  else if (in.ip_mode == "dual-stack" || in.ip_mode == "dual") p.mode = IpMode::dual;
  else refuse("IP_MODE", "'" + in.ip_mode + "' is not one of ipv4, ipv6, dual-stack");

  std::string id_text = in.cluster_id.empty() ? "0" : util::trim(in.cluster_id);
  p.cluster_id = static_cast<int>(util::parse_int(id_text, 0, 254, "CLUSTER_ID"));
  p.label = in.dind_label;
  if (!p.label.empty()) check_label(p.label, p.cluster_id, id_text);
  if (!p.label.empty()) {
    p.suffix = "-" + p.label + (p.cluster_id ? "-" + id_text : "");
    p.name = p.label + (p.cluster_id ? "-" + id_text : "");
    if (p.cluster_id == 0) {
      // stable pseudo-random id for the label (the seed used $RANDOM once)
      std::string h = util::sha256_hex(p.label);
      p.cluster_id = static_cast<int>(std::stoul(h.substr(0, 8), nullptr, 16) % 254 + 1);
      char buf[8];
      std::snprintf(buf, sizeof buf, "%d", p.cluster_id);
      id_text = buf;
    }
  } else if (p.cluster_id) {
    p.suffix = "-cluster-" + id_text;
    p.name = "cluster-" + id_text;
  } else {
    p.name = "default";
  }
  p.context = "dind" + p.suffix;
  p.network = "kubeadm-dind-net" + p.suffix;

  long workers = util::parse_int(in.num_nodes, 0, 100, "NUM_NODES");
  // more than 7 etcd members only slow every write down
  p.control_planes = static_cast<int>(util::parse_int(in.num_control_planes, 1, 7, "NUM_CONTROL_PLANES"));

  // management network
  std::string mgmt_text = in.mgmt_cidrs;
  std::string mgmt_var = "MGMT_CIDRS";
  if (mgmt_text.empty() && !in.dind_subnet.empty()) {
    mgmt_var = "DIND_SUBNET";
    std::string size = in.dind_subnet_size.empty() ? (in.dind_subnet.find(':') != std::string::npos ? "64" : "24")
                                                   : in.dind_subnet_size;
    mgmt_text = in.dind_subnet + "/" + size;
  }
  std::vector<std::string> mgmt_texts = util::split(mgmt_text, ',');
  auto mgmt = per_family(mgmt_var, mgmt_text, p.mode, "10.192.0.0/24", "fd00:20::/64");
  for (auto& c : mgmt) {
    if (c.family() == Family::v4) {
      p.mgmt.push_back(inject_v4(mgmt_var, c, p.cluster_id));
    } else {
      std::string text = "fd00:20::/64";
      for (auto& t : mgmt_texts) {
        if (t.find(':') != std::string::npos) text = util::trim(t);
      }
      p.mgmt.push_back(inject_v6(mgmt_var, text, c, p.cluster_id, id_text));
    }
    p.gateways.push_back(p.mgmt.back().nth(1).str());
  }

  p.services = per_family("SERVICE_CIDR", in.service_cidr, p.mode, "10.96.0.0/12", "fd00:30::/110");
  for (auto& s : p.services) {
    if (s.family() == Family::v6 && s.prefix() < 108) refuse("SERVICE_CIDR", "'" + s.str() + "' is larger than the /108 the API server allows");
    if (s.family() == Family::v4 && s.prefix() < 12) refuse("SERVICE_CIDR", "'" + s.str() + "' is larger than the /12 the API server allows");
  }
  p.pods = per_family("POD_NETWORK_CIDR", in.pod_network_cidr, p.mode, "10.244.0.0/16", "fd00:40::/72");
  for (auto& c : p.pods) {
    if (c.family() == Family::v4 && c.prefix() != 16) {
      refuse("POD_NETWORK_CIDR", "'" + c.str() + "' must be a /16 (split into a /24 per node)");
    }
    if (c.family() == Family::v6 && c.prefix() > 112) {
      refuse("POD_NETWORK_CIDR", "'" + c.str() + "' is too small: each node takes a subnet 8 bits longer");
    }
  }
  no_overlap("POD_NETWORK_CIDR", p.pods, "SERVICE_CIDR", p.services);
  no_overlap("POD_NETWORK_CIDR", p.pods, mgmt_var, p.mgmt);
  no_overlap("SERVICE_CIDR", p.services, mgmt_var, p.mgmt);

  auto cpus = [](const std::string& text, const char* var) { return text.empty() ? 0 : util::parse_cpus(text, var); };
  auto memory = [](const std::string& text, const char* var) { return text.empty() ? 0 : util::parse_memory(text, var, min_node_memory); };
  int64_t node_cpus = cpus(in.node_cpus, "NODE_CPUS"), node_memory = memory(in.node_memory, "NODE_MEMORY");
  int64_t master_cpus = in.master_cpus.empty() ? node_cpus : cpus(in.master_cpus, "MASTER_CPUS");
  int64_t master_memory = in.master_memory.empty() ? node_memory : memory(in.master_memory, "MASTER_MEMORY");

  long nodes = p.control_planes + workers;
  for (long i = 0; i < nodes; ++i) {
    NodeLayout n;
    bool master = i < p.control_planes;
    n.nano_cpus = master ? master_cpus : node_cpus;
    n.memory_bytes = master ? master_memory : node_memory;
    n.name = i == 0 ? "kube-master" : master ? "kube-master-" + std::to_string(i + 1) : "kube-node-" + std::to_string(i + 1 - p.control_planes);
    n.container = n.name + p.suffix;
    for (auto& m : p.mgmt) (m.family() == Family::v4 ? n.ipv4 : n.ipv6) = m.nth(static_cast<uint64_t>(i + 2)).str();
    for (auto& c : p.pods) {
      int len = c.family() == Family::v4 ? 24 : c.prefix() + 8;
      n.pod_cidrs.push_back(c.subnet(static_cast<uint64_t>(i + 2), len).str());
    }
    p.nodes.push_back(std::move(n));
  }
  if (p.control_planes > 1) {
    // the last address is the local registry's
    NodeLayout lb;
    lb.name = "kube-lb";
    lb.container = lb.name + p.suffix;
    for (auto& m : p.mgmt) {
      if (m.last_host() < static_cast<uint64_t>(nodes + 3)) refuse(mgmt_var, "'" + m.str() + "' has no room for the load balancer");
      (m.family() == Family::v4 ? lb.ipv4 : lb.ipv6) = m.nth(m.last_host() - 1).str();
    }
    p.lb = std::move(lb);
  }

  if (p.mode == IpMode::ipv6) {
    std::string prefix = in.dns64_prefix.empty() ? "fd00:10:64:ff9b::" : in.dns64_prefix;
    Cidr dns64 = parse_cidr("DNS64_PREFIX", prefix.find('/') == std::string::npos ? prefix + "/96" : prefix);
    if (dns64.family() != Family::v6 || dns64.prefix() != 96) refuse("DNS64_PREFIX", "'" + prefix + "' must be an IPv6 /96 prefix");
    p.dns64_prefix = dns64.str();
    std::string v4 = in.nat64_v4_subnet_prefix.empty() ? "172" : in.nat64_v4_subnet_prefix;
    long first = util::parse_int(v4, 1, 223, "NAT64_V4_SUBNET_PREFIX");
    // the seed: 172.18 for the default cluster, 172.<id> for the others
    p.nat64_v4_subnet = std::to_string(first) + "." + std::to_string(p.cluster_id ? p.cluster_id : 18) + ".0.0/16";
    p.v4_standin = parse_cidr("CLUSTER_ID", "10.193." + std::to_string(p.cluster_id) + ".0/24");
    no_overlap("NAT64_V4_SUBNET_PREFIX", {parse_cidr("NAT64_V4_SUBNET_PREFIX", p.nat64_v4_subnet)},
               "the IPv4 subnet beside the management network's IPv6 one", {*p.v4_standin});
    const Cidr& m = p.mgmt.back();
    if (m.last_host() < 0x200) refuse(mgmt_var, "'" + m.str() + "' has no room for the DNS64 and NAT64 helpers (::100 and ::200)");
    p.dns64_ip = m.nth(0x100).str();
    p.nat64_ip = m.nth(0x200).str();
  }

  p.labels[cluster_label] = p.name;
  p.labels[seed_label] = "1";
  if (!p.suffix.empty()) p.labels[p.suffix.substr(1)] = "";
  return p;
}

std::string Layout::to_json(bool pretty) const {
  json::Writer w(pretty);
  w.begin_object().kv("ipMode", mode_name()).kv("clusterId", cluster_id).kv("label", label).kv("name", name);
  w.kv("suffix", suffix).kv("context", context).kv("network", network);
  std::vector<std::string> m, s, pd;
  for (auto& c : mgmt) m.push_back(c.str());
  for (auto& c : services) s.push_back(c.str());
  for (auto& c : pods) pd.push_back(c.str());
  w.strings("mgmtCidrs", m).strings("gateways", gateways).strings("serviceCidrs", s).strings("podCidrs", pd);
  if (mode == IpMode::ipv6) w.kv("dns64Prefix", dns64_prefix).kv("nat64V4Subnet", nat64_v4_subnet);
  w.object("labels", labels);
  // only when set: a plan with one control plane keeps its identity (snapshots match it)
  if (lb) {
    w.kv("controlPlanes", control_planes);
    w.key("loadBalancer").begin_object().kv("container", lb->container);
    if (!lb->ipv4.empty()) w.kv("ipv4", lb->ipv4);
    if (!lb->ipv6.empty()) w.kv("ipv6", lb->ipv6);
    w.end_object();
  }
  w.key("nodes").begin_array();
  for (auto& n : nodes) {
    w.begin_object().kv("role", n.name).kv("container", n.container);
    if (!n.ipv4.empty()) w.kv("ipv4", n.ipv4);
    if (!n.ipv6.empty()) w.kv("ipv6", n.ipv6);
    w.strings("podCidrs", n.pod_cidrs);
    // only when set: an unlimited plan keeps its identity (snapshots match it)
    if (n.nano_cpus) w.kv("nanoCpus", n.nano_cpus);
    if (n.memory_bytes) w.kv("memoryBytes", n.memory_bytes);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

std::string Layout::to_table() const {
  std::ostringstream o;
  o << "cluster " << name << " (id " << cluster_id << ", " << mode_name() << "), context " << context << "\n";
  o << "network " << network << ":";
  for (auto& c : mgmt) o << " " << c.str();
  o << "\nservices:";
  for (auto& c : services) o << " " << c.str();
  o << "\npods:";
  for (auto& c : pods) o << " " << c.str();
  o << "\n";
  if (mode == IpMode::ipv6) o << "dns64 " << dns64_prefix << ", nat64 " << nat64_v4_subnet << "\n";
  bool limits = std::any_of(nodes.begin(), nodes.end(), [](const NodeLayout& n) { return n.limited(); });
  char line[320];
  std::snprintf(line, sizeof line, "%-24s %-16s %-24s %s%s\n", "NODE", "IPV4", "IPV6", "POD CIDRS", limits ? "  CPUS MEMORY" : "");
  o << line;
  for (auto& n : nodes) {
    std::string limit = !limits ? ""
                        : "  " + (n.nano_cpus ? util::format_cpus(n.nano_cpus) : "-") + " " +
                              (n.memory_bytes ? util::format_memory(n.memory_bytes) : "-");
    std::snprintf(line, sizeof line, "%-24s %-16s %-24s %s%s\n", n.container.c_str(), n.ipv4.empty() ? "-" : n.ipv4.c_str(),
                  n.ipv6.empty() ? "-" : n.ipv6.c_str(), util::join(n.pod_cidrs, ",").c_str(), limit.c_str());
    o << line;
  }
  if (lb) {
    std::snprintf(line, sizeof line, "%-24s %-16s %-24s %s\n", lb->container.c_str(), lb->ipv4.empty() ? "-" : lb->ipv4.c_str(),
                  lb->ipv6.empty() ? "-" : lb->ipv6.c_str(), "(API server load balancer)");
    o << line;
  }
  return o.str();
}

net::Cidr swarm_range(const Layout& plan, size_t i) {
  const auto& mgmt = plan.mgmt.at(i);
  return mgmt.subnet(2, mgmt.prefix() + 2);
}

} // namespace dind::cluster
