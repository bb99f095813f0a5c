#pragma once
#include "cluster/context.hpp"
#include "cluster/lxcfs.hpp"
#include "docker/containers.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dind::cluster {

// Whether `--privileged` works on this host. It does not where the kernel's
// capability bounding set lacks CAP_SYS_RESOURCE (Firecracker VMs, some CI):
// then nodes get the restricted recipe. DIND_PRIVILEGED=1/0 overrides.
bool privileged_nodes();

// The rights a node has: --privileged where it works, else the restricted
// recipe (every capability but CAP_SYS_RESOURCE, no seccomp or AppArmor).
void give_node_rights(docker::ContainerSpec& spec);

// Turns spec into a node container: systemd as PID 1 with what containerd
// and kubelet need from the kernel. /var lives on the named volume (nested
// containerd cannot put overlayfs on the image's overlay), /etc/kubernetes on
// a second one so a recreated node keeps its kubeadm state. New volumes get
// the image's files there, unless empty_volumes (a restore writes them whole).
void make_node_spec(docker::ContainerSpec& spec, const std::string& var_volume, const std::string& etc_volume,
                    bool empty_volumes = false);

// 6443/tcp on the host: APISERVER_PORT (default a free one) on 127.0.0.1
// or a kind config's apiServerAddress.
docker::PortBinding apiserver_binding(const Context& ctx);

// The container of plan node `index`: image, name, labels (role master for
// every control plane), fixed addresses; kube-master publishes the API
// server on 127.0.0.1 (unless a load balancer does), and gets EXTRA_PORTS
// and MASTER_EXTRA_OPTS. A node with limits gets them and lxcfs's files, so
// kubelet reports them as its capacity. Every node mounts its image's store
// (cluster/store.hpp).
docker::ContainerSpec node_spec(const Context& ctx, size_t index, const docker::Mount& image_store, bool empty_volumes = false);

// Creates one node's container (not started), joined to DIND_CUSTOM_NETWORKS,
// with the DIND_*_PROXY drop-ins for containerd and kubelet, containerd's
// registry hosts and DIND_CA_CERT in place.
void create_node_container(docker::Client& docker, const Context& ctx, size_t index, const docker::Mount& image_store,
                           bool empty_volumes = false);

// Held while the plan's limited nodes are created or started (lxcfs runs);
// none for a plan without limits.
std::unique_ptr<lxcfs::Use> use_lxcfs(docker::Client& docker, const Context& ctx);

// A container, network or volume (`what`) of the planned name that this
// cluster did not make is someone else's: never take it over, never remove it.
void refuse_foreign(const Context& ctx, const char* what, const std::string& name, const std::optional<json::Document>& info);

// The cluster's bridge network on one engine, unless there; refuses a network
// of its name that dind did not make for this cluster. The local registry,
// when there is one, joins it.
void create_network(docker::Client& docker, const Context& ctx);

// Both volumes and the container of these plan nodes, on this engine, not
// started; refuses a volume of the planned name that dind did not make for
// this cluster, and a custom network or volume that is missing. empty_volumes:
// as make_node_spec.
void create_node_containers(docker::Client& docker, const Context& ctx, const std::vector<size_t>& nodes, bool empty_volumes);

// Starts these plan nodes' containers and waits until systemd in every one
// finished booting (images preloaded); names the node that died or failed.
void start_nodes(docker::Client& docker, const Context& ctx, const std::vector<size_t>& nodes);

// The API server's published port (the load balancer's, or the master's).
int published_port(docker::Client& docker, const Context& ctx);

} // namespace dind::cluster
