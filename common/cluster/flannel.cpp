#include "cluster/flannel.hpp"

#include "image/build.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <sstream>

namespace dind::cluster {

namespace {

// what the DaemonSet's init container copies onto the node
const char* cni_conflist = R"({"cniVersion": "0.4.0", "name": "dind", "plugins": [)"
                           R"({"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}, )"
                           R"({"type": "portmap", "capabilities": {"portMappings": true}}]})";

} // namespace

std::string flannel_image(docker::Client& docker, util::Steps& steps) {
  return image::script_image(docker, steps, "flannel", {}, {"ENV PATH=/usr/sbin:/bin", R"(ENTRYPOINT ["/opt/bin/flanneld"])"},
                             "flanneld, the flannel CNI plugin (go build) and iptables");
}

std::string flannel_manifest(const Layout& plan, const std::string& image) {
  if (!plan.has_v4() || plan.has_v6()) throw Error("flannel is set up for IPv4 clusters only");
  json::Writer conf(false);
  conf.begin_object().kv("Network", plan.pods.at(0).str()).kv("EnableIPv4", true);
  conf.key("Backend").begin_object().kv("Type", "vxlan").end_object().end_object();
  std::ostringstream y;
  y << R"(apiVersion: v1
kind: Namespace
metadata: {name: kube-flannel}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: flannel, namespace: kube-flannel}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: flannel}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
- {apiGroups: [""], resources: [nodes], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [nodes/status], verbs: [patch]}
- {apiGroups: [""], resources: [events], verbs: [create, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: flannel}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flannel}
subjects: [{kind: ServiceAccount, name: flannel, namespace: kube-flannel}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-flannel}
data:
  net-conf.json: |
    )" << conf.str() << R"(
  cni-conf.json: |
    )" << cni_conflist << R"(
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-flannel-ds, namespace: kube-flannel, labels: {app: flannel}}
spec:
  selector: {matchLabels: {app: flannel}}
  template:
    metadata: {labels: {app: flannel}}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      serviceAccountName: flannel
      tolerations: [{operator: Exists}]
      initContainers:
      - name: install-cni-plugin
        image: )" << image << R"(
        imagePullPolicy: Never
        command: [cp, /opt/bin/flannel, /host/cni-bin/flannel]
        volumeMounts:
        - {name: cni-bin, mountPath: /host/cni-bin}
      containers:
      - name: kube-flannel
        image: )" << image << R"(
        imagePullPolicy: Never
        # the CNI config, which makes the node Ready, only once flanneld has
        # written the subnet file the plugin reads: a pod given the node
        # before that fails its sandbox and waits out kubelet's back-off
        command:
        - sh
        - -c
        - |
          /opt/bin/flanneld --ip-masq --kube-subnet-mgr & pid=$!
          trap 'kill -TERM $pid; wait $pid; exit' TERM INT
          until [ -s /run/flannel/subnet.env ]; do kill -0 $pid 2>/dev/null || exit 1; sleep 0.2; done
          cp /etc/kube-flannel/cni-conf.json /host/cni-net/10-flannel.conflist
          wait $pid
        env:
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        - name: POD_NAMESPACE
          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
        - {name: EVENT_QUEUE_DEPTH, value: "5000"}
        resources: {requests: {cpu: 50m, memory: 50Mi}}
        securityContext:
          privileged: false
          capabilities: {add: [NET_ADMIN, NET_RAW]}
        volumeMounts:
        - {name: run, mountPath: /run/flannel}
        - {name: cfg, mountPath: /etc/kube-flannel}
        - {name: cni-net, mountPath: /host/cni-net}
        - {name: xtables-lock, mountPath: /run/xtables.lock}
      volumes:
      - {name: run, hostPath: {path: /run/flannel}}
      # /opt/cni/bin on the node is a link to here
      - {name: cni-bin, hostPath: {path: /usr/lib/cni}}
      - {name: cni-net, hostPath: {path: /etc/cni/net.d}}
      - {name: cfg, configMap: {name: kube-flannel-cfg}}
      - {name: xtables-lock, hostPath: {path: /run/xtables.lock, type: FileOrCreate}}
)";
  return y.str();
}

std::string pod_cidr_patch(const NodeLayout& node) {
  json::Writer w(false);
  w.begin_object().key("spec").begin_object().kv("podCIDR", node.pod_cidrs.at(0)).key("podCIDRs").begin_array();
  for (auto& c : node.pod_cidrs) w.value(c);
  w.end_array().end_object().end_object();
  return w.str();
}

} // namespace dind::cluster
