#include "cluster/readiness.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

const std::string since = "2026-11-28T10:00:00Z";

std::string node(const std::string& name, const std::string& status, const std::string& heartbeat) {
  return R"({"kind":"Node","metadata":{"name":")" + name + R"("},"status":{"conditions":[{"type":"MemoryPressure","status":"False"},)"
         R"({"type":"Ready","status":")" + status + R"(","lastHeartbeatTime":")" + heartbeat + R"("}]}})";
}

std::string coredns_pod(bool ready, const std::string& started) {
  return R"({"kind":"Pod","metadata":{"name":"coredns-1","namespace":"kube-system","labels":{"k8s-app":"kube-dns"}},"status":{"conditions":[{"type":"Ready","status":")" +
         std::string(ready ? "True" : "False") + R"("}],"containerStatuses":[{"ready":)" + (ready ? "true" : "false") +
         R"(,"state":{"running":{"startedAt":")" + started + R"("}}}]}})";
}

const std::string dns = R"({"kind":"Deployment","metadata":{"name":"coredns","namespace":"kube-system"},"spec":{"replicas":1}})";

// kubectl's List of what it was asked, as one answer
std::string list(const std::vector<std::string>& items) {
  std::string s;
  for (auto& i : items) s += (s.empty() ? "" : ",") + i;
  return R"({"kind":"List","items":[)" + s + "]}";
}

} // namespace

TEST_CASE("readiness: every planned node registered and Ready since the start, CoreDNS fresh") {
  auto plan = test::layout_of({{"NUM_NODES", "1"}});
  std::string master = node("kube-master", "True", "2026-11-28T10:00:05Z"), worker = node("kube-node-1", "True", "2026-11-28T10:00:06Z");
  std::string coredns = coredns_pod(true, "2026-11-28T10:00:07Z");
  CHECK(cluster::not_ready(plan, 0, list({master, worker, dns, coredns}), since).empty());

  // a heartbeat from before the restart does not count; a node not there yet is named
  std::string stale = node("kube-master", "True", "2026-11-28T09:59:59Z");
  CHECK(cluster::not_ready(plan, 0, list({stale, dns, coredns}), since) ==
        std::vector<std::string>{"kube-master NotReady", "kube-node-1 not registered"});

  // CoreDNS Ready, but started before: the Deployment's old replica
  CHECK(cluster::not_ready(plan, 0, list({master, worker, dns, coredns_pod(true, "2026-11-28T09:00:00Z")}), since) ==
        std::vector<std::string>{"coredns 0/1 ready"});
  // the Deployment asks for two
  std::string two = R"({"kind":"Deployment","metadata":{"name":"coredns","namespace":"kube-system"},"spec":{"replicas":2}})";
  CHECK(cluster::not_ready(plan, 0, list({master, worker, two, coredns}), since) == std::vector<std::string>{"coredns 1/2 ready"});
  // not made yet: one is waited for
  CHECK(cluster::not_ready(plan, 0, list({master, worker}), since) == std::vector<std::string>{"coredns 0/1 ready"});

  // join: its node alone, CoreDNS not asked about
  CHECK(cluster::not_ready(plan, 1, list({stale}), since) == std::vector<std::string>{"kube-node-1 not registered"});
  CHECK(cluster::not_ready(plan, 1, list({master, worker}), since).empty());
}

TEST_CASE("readiness: a crash-looping system pod is named, an old exit from before the restart is not") {
  auto plan = test::layout_of({{"NUM_NODES", "0"}});
  std::string master = node("kube-master", "True", "2026-11-28T10:00:05Z");
  std::string looping = R"({"kind":"Pod","metadata":{"name":"kube-proxy-x","namespace":"kube-system"},"status":{"containerStatuses":[{"ready":false,)"
                        R"("state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})";
  std::string killed = R"({"kind":"Pod","metadata":{"name":"kube-proxy-y","namespace":"kube-system"},"status":{"containerStatuses":[{"ready":false,)"
                       R"("lastState":{"terminated":{"exitCode":137,"finishedAt":"2026-11-28T10:00:01Z"}}}]}})";
  CHECK(cluster::not_ready(plan, 0, list({master, dns, coredns_pod(true, "2026-11-28T10:00:07Z"), looping, killed}), since) ==
        std::vector<std::string>{"kube-proxy-x crash-looping"});
}

TEST_CASE("readiness: an answer without items is an error, not a crash") {
  auto plan = test::layout_of({});
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, R"({"kind":"Status"})", since), Error);
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, R"({"items":{}})", since), Error);
  CHECK_THROWS_AS(cluster::not_ready(plan, 0, "not json", since), Error);
}

TEST_CASE("readiness: pods and deployments outside kube-system do not hold the wait") {
  auto plan = test::layout_of({{"NUM_NODES", "0"}});
  std::string master = node("kube-master", "True", "2026-11-28T10:00:05Z");
  std::string users = R"({"kind":"Pod","metadata":{"name":"app","namespace":"default"},"status":{"containerStatuses":[{"ready":false,)"
                      R"("state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})";
  std::string theirs = R"({"kind":"Deployment","metadata":{"name":"coredns","namespace":"default"},"spec":{"replicas":5}})";
  CHECK(cluster::not_ready(plan, 0, list({master, dns, coredns_pod(true, "2026-11-28T10:00:07Z"), users, theirs}), since).empty());
}

TEST_CASE("readiness: the pods kubelet set aside until it has listed the services") {
  auto waiting = [](const std::string& ns, const std::string& name, const std::string& reason, const std::string& message) {
    return R"({"kind":"Pod","metadata":{"name":")" + name + R"(","namespace":")" + ns + R"("},"status":{"containerStatuses":[)"
           R"({"state":{"running":{}}},{"state":{"waiting":{"reason":")" + reason + R"(","message":")" + message + R"("}}}]}})";
  };
  std::string pods = R"({"items":[)" +
                     waiting("kube-system", "kube-proxy-x", "CreateContainerConfigError",
                             "services have not yet been read at least once, cannot construct envvars") + "," +
                     waiting("default", "app-1", "CreateContainerConfigError",
                             "services have not yet been read at least once, cannot construct envvars") + "," +
                     waiting("default", "app-2", "CreateContainerConfigError", "configmap \\\"x\\\" not found") + "," +
                     waiting("default", "app-3", "CrashLoopBackOff", "back-off 2s") + "," +
                     R"({"kind":"Pod","metadata":{"name":"pending","namespace":"default"},"status":{}})" + "," + node("kube-master", "True", since) + "]}";
  CHECK(cluster::waiting_for_services(pods) == std::vector<std::string>{"kube-system/kube-proxy-x", "default/app-1"});
  CHECK(cluster::waiting_for_services(R"({"items":[]})").empty());
  CHECK_THROWS_AS(cluster::waiting_for_services(R"({"kind":"Status"})"), Error);
}

TEST_CASE("merge_lists: the API server's typed lists as kubectl's one List, each item with its kind") {
  auto plan = test::layout_of({{"NUM_NODES", "0"}});
  auto strip = [](std::string item) {  // as a typed list holds it: no kind
    return item.substr(0, 1) + item.substr(item.find(',') + 1);
  };
  std::string nodes = R"({"kind":"NodeList","items":[)" + strip(node("kube-master", "True", "2026-11-28T10:00:05Z")) + "]}";
  std::string deployments = R"({"kind":"DeploymentList","items":[)" + strip(dns) + "]}";
  std::string pods = R"({"kind":"PodList","items":[)" + strip(coredns_pod(true, "2026-11-28T10:00:04Z")) + "]}";
  CHECK(strip(dns).find("\"kind\"") == std::string::npos);
  auto merged = cluster::merge_lists({{"Node", nodes}, {"Deployment", deployments}, {"Pod", pods}});
  CHECK(cluster::not_ready(plan, 0, merged, since).empty());
  // without the kinds nothing is recognised: the master is "not registered"
  auto unkinded = R"({"items":[)" + strip(node("kube-master", "True", "2026-11-28T10:00:05Z")) + "]}";
  CHECK(cluster::not_ready(plan, 0, unkinded, since) == std::vector<std::string>{"kube-master not registered", "coredns 0/1 ready"});
  auto pods_only = cluster::merge_lists({{"Pod", pods}});
  CHECK(cluster::not_ready(plan, 0, pods_only, since) == std::vector<std::string>{"kube-master not registered"});
  CHECK_THROWS_WITH(cluster::merge_lists({{"Node", "{\"kind\":\"Status\"}"}}), Catch::Contains("no items"));
  CHECK_THROWS_WITH(cluster::merge_lists({{"Node", "<html>"}}), Catch::Contains("invalid JSON"));
}
