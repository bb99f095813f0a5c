#include "cluster/readiness.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

const std::string since = "2026-11-28T10:00:00Z";

std::string node(const std::string& name, const std::string& status, const std::string& heartbeat) {
  return R"({"metadata":{"name":")" + name + R"("},"status":{"conditions":[{"type":"MemoryPressure","status":"False"},)"
         R"({"type":"Ready","status":")" + status + R"(","lastHeartbeatTime":")" + heartbeat + R"("}]}})";
}

std::string coredns_pod(bool ready, const std::string& started) {
  return R"({"metadata":{"name":"coredns-1","labels":{"k8s-app":"kube-dns"}},"status":{"conditions":[{"type":"Ready","status":")" +
         std::string(ready ? "True" : "False") + R"("}],"containerStatuses":[{"ready":)" + (ready ? "true" : "false") +
         R"(,"state":{"running":{"startedAt":")" + started + R"("}}}]}})";
}

const std::string dns = R"({"spec":{"replicas":1}})";

} // namespace

TEST_CASE("readiness: every planned node registered and Ready since the start, CoreDNS fresh") {
  auto plan = test::layout_of({{"NUM_NODES", "1"}});
  std::string nodes = R"({"items":[)" + node("kube-master", "True", "2026-11-28T10:00:05Z") + "," +
                      node("kube-node-1", "True", "2026-11-28T10:00:06Z") + "]}";
  std::string pods = R"({"items":[)" + coredns_pod(true, "2026-11-28T10:00:07Z") + "]}";
  CHECK(cluster::not_ready(plan, 0, nodes, dns, pods, since).empty());

  // a heartbeat from before the restart does not count; a node not there yet is named
  std::string stale = R"({"items":[)" + node("kube-master", "True", "2026-11-28T09:59:59Z") + "]}";
  CHECK(cluster::not_ready(plan, 0, stale, dns, pods, since) ==
        std::vector<std::string>{"kube-master NotReady", "kube-node-1 not registered"});

  // CoreDNS Ready, but started before: the Deployment's old replica
  std::string old_dns = R"({"items":[)" + coredns_pod(true, "2026-11-28T09:00:00Z") + "]}";
  CHECK(cluster::not_ready(plan, 0, nodes, dns, old_dns, since) == std::vector<std::string>{"coredns 0/1 ready"});

  // join: its node alone, CoreDNS not asked about
  CHECK(cluster::not_ready(plan, 1, stale, "", "", since) == std::vector<std::string>{"kube-node-1 not registered"});
  CHECK(cluster::not_ready(plan, 1, nodes, "", "", since).empty());
}

TEST_CASE("readiness: a crash-looping system pod is named, an old exit from before the restart is not") {
  auto plan = test::layout_of({{"NUM_NODES", "0"}});
  std::string nodes = R"({"items":[)" + node("kube-master", "True", "2026-11-28T10:00:05Z") + "]}";
  std::string looping = R"({"metadata":{"name":"kube-proxy-x"},"status":{"containerStatuses":[{"ready":false,)"
                        R"("state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})";
  std::string killed = R"({"metadata":{"name":"kube-proxy-y"},"status":{"containerStatuses":[{"ready":false,)"
                       R"("lastState":{"terminated":{"exitCode":137,"finishedAt":"2026-11-28T10:00:01Z"}}}]}})";
  std::string pods = R"({"items":[)" + coredns_pod(true, "2026-11-28T10:00:07Z") + "," + looping + "," + killed + "]}";
  CHECK(cluster::not_ready(plan, 0, nodes, dns, pods, since) == std::vector<std::string>{"kube-proxy-x crash-looping"});
}

TEST_CASE("readiness: an answer without items is an error, not a crash") {
  auto plan = test::layout_of({});
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, R"({"kind":"Status"})", dns, R"({"items":[]})", since), Error);
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, R"({"items":[]})", dns, R"({"items":{}})", since), Error);
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, "not json", dns, R"({"items":[]})", since), Error);
}

TEST_CASE("readiness: pods outside kube-system do not hold the wait") {
  auto plan = test::layout_of({{"NUM_NODES", "0"}});
  std::string nodes = R"({"items":[)" + node("kube-master", "True", "2026-11-28T10:00:05Z") + "]}";
  std::string users = R"({"metadata":{"name":"app","namespace":"default"},"status":{"containerStatuses":[{"ready":false,)"
                      R"("state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})";
  std::string pods = R"({"items":[)" + coredns_pod(true, "2026-11-28T10:00:07Z") + "," + users + "]}";
  CHECK(cluster::not_ready(plan, 0, nodes, dns, pods, since).empty());
}

TEST_CASE("readiness: the pods kubelet set aside until it has listed the services") {
  auto waiting = [](const std::string& ns, const std::string& name, const std::string& reason, const std::string& message) {
    return R"({"metadata":{"name":")" + name + R"(","namespace":")" + ns + R"("},"status":{"containerStatuses":[)"
           R"({"state":{"running":{}}},{"state":{"waiting":{"reason":")" + reason + R"(","message":")" + message + R"("}}}]}})";
  };
  std::string pods = R"({"items":[)" +
                     waiting("kube-system", "kube-proxy-x", "CreateContainerConfigError",
                             "services have not yet been read at least once, cannot construct envvars") + "," +
                     waiting("default", "app-1", "CreateContainerConfigError",
                             "services have not yet been read at least once, cannot construct envvars") + "," +
                     waiting("default", "app-2", "CreateContainerConfigError", "configmap \\\"x\\\" not found") + "," +
                     waiting("default", "app-3", "CrashLoopBackOff", "back-off 2s") + "," +
                     R"({"metadata":{"name":"pending","namespace":"default"},"status":{}})" + "]}";
  CHECK(cluster::waiting_for_services(pods) == std::vector<std::string>{"kube-system/kube-proxy-x", "default/app-1"});
  CHECK(cluster::waiting_for_services(R"({"items":[]})").empty());
  CHECK_THROWS_AS(cluster::waiting_for_services(R"({"kind":"Status"})"), Error);
}
