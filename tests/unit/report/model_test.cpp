#include "report/model.hpp"

#include "fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dind;
namespace fs = std::filesystem;

TEST_CASE("report model: nodes from nodes.json and the node directories") {
  auto m = report::load(test::write_dump("nodes", test::dump_files()), "");
  REQUIRE(m.nodes.size() == 2);
  auto& master = m.nodes[0];
  CHECK(master.name == "kube-master");
  CHECK(master.role == "control-plane");
  CHECK(master.ready == "True");
  CHECK(master.kubelet == "active (running)");
  CHECK(master.containerd == "active (running)");
  CHECK(master.ips == std::vector<std::string>{"10.192.42.2"});
  CHECK(master.pod_cidrs == std::vector<std::string>{"10.244.2.0/24", "fd00:10:244:2::/72"});
  CHECK(master.pressure.empty());
  CHECK(master.version == "v1.34.4");
  auto& worker = m.nodes[1];
  CHECK(worker.role == "worker");
  CHECK(worker.ready == "False");
  CHECK(worker.ready_message == "KubeletNotReady: PLEG is not healthy");
  CHECK(worker.pressure == std::vector<std::string>{"DiskPressure"});
  CHECK(worker.pod_cidrs == std::vector<std::string>{"10.244.3.0/24"});
  CHECK(worker.down == "kube-node-1 is exited");
  CHECK(worker.kubelet.empty());
}

TEST_CASE("report model: pods, their containers, logs and events") {
  auto m = report::load(test::write_dump("pods", test::dump_files()), "");
  REQUIRE(m.pods.size() == 2);
  auto* p = m.find_pod("default", test::crasher);
  REQUIRE(p);
  CHECK(p->node == "kube-node-1");
  CHECK_FALSE(p->ready);
  CHECK(p->restarts() == 4);
  CHECK(p->reason() == "CrashLoopBackOff");
  CHECK(p->troubled());
  REQUIRE(p->containers.size() == 1);
  auto& c = p->containers[0];
  CHECK(c.state == "waiting");
  REQUIRE(c.last);
  CHECK(c.last->reason == "Error");
  CHECK(c.last->exit_code == 1);
  CHECK(c.last->finished == report::parse_time("2026-11-27T13:00:11Z"));
  CHECK(c.log == "pods/default/" + test::crasher + "/c.log");
  CHECK(c.previous_log == "pods/default/" + test::crasher + "/c.previous.log");
  auto* dns = m.find_pod("kube-system", "coredns-1");
  REQUIRE(dns);
  CHECK_FALSE(dns->troubled());
  CHECK(dns->containers[0].started == report::parse_time("2026-11-27T13:00:00Z"));

  REQUIRE(m.events.size() == 2);
  CHECK(m.events[0].reason == "Starting");  // by time: eventTime counts
  CHECK(m.events[0].node == "kube-master");
  CHECK(m.events[1].node == "kube-node-1");  // the pod's node
  CHECK(m.events[1].count == 5);
}

TEST_CASE("report verdict: one sentence naming what is wrong") {
  auto m = report::load(test::write_dump("verdict", test::dump_files()), "");
  auto v = report::verdict(m);
  CHECK(v.level == report::Verdict::unhealthy);
  CHECK(v.why.find("node kube-node-1 is down (kube-node-1 is exited)") != std::string::npos);
  CHECK(v.why.find("1 pod is not Ready: default/" + test::crasher + " (CrashLoopBackOff)") != std::string::npos);
  CHECK(v.why.back() == '.');

  auto files = test::dump_files();
  files.erase("nodes/kube-node-1/DOWN");
  files.erase("cluster/nodes.json");
  files.erase("cluster/pods.json");
  files["cluster/pods.json"] = R"({"items":[{"metadata":{"namespace":"a","name":"b"},"status":{"phase":"Running",
    "conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"c","ready":true,"restartCount":2}]}}]})";
  m = report::load(test::write_dump("verdict2", files), "");
  v = report::verdict(m);
  CHECK(v.level == report::Verdict::degraded);
  CHECK(v.why == "Running, but 1 pod has restarted: a/b (2 restarts).");
}

TEST_CASE("report model: older dumps without JSON use the kubectl tables") {
  auto dir = test::write_dump("tables", {
      {"cluster/nodes", "NAME          STATUS     ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION\n"
                        "kube-master   Ready      control-plane   10m   v1.34.4   10.192.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0\n"
                        "kube-node-1   NotReady   <none>          9m    v1.34.4   10.192.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0\n"},
      {"cluster/get-all", "NAMESPACE     NAME                  READY   STATUS             RESTARTS      AGE   IP           NODE\n"
                          "default       pod/crash             0/1     CrashLoopBackOff   5 (30s ago)   3m    10.244.3.4   kube-node-1\n"
                          "kube-system   pod/coredns-1         1/1     Running            0             9m    10.244.2.2   kube-master\n"
                          "\n"
                          "NAMESPACE   NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
                          "default     service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m\n"},
  });
  auto m = report::load(dir, "");
  REQUIRE(m.nodes.size() == 2);
  CHECK(m.nodes[0].ready == "True");
  CHECK(m.nodes[0].role == "control-plane");
  CHECK(m.nodes[1].ready == "False");
  CHECK(m.nodes[1].role == "worker");
  CHECK(m.nodes[1].ips == std::vector<std::string>{"10.192.0.3"});
  REQUIRE(m.pods.size() == 2);
  CHECK(m.pods[0].name == "crash");
  CHECK(m.pods[0].reason() == "CrashLoopBackOff");
  CHECK(m.pods[0].restarts() == 5);
  CHECK(m.pods[0].node == "kube-node-1");
  CHECK_FALSE(m.pods[0].ready);
  CHECK(m.pods[1].ready);
}

TEST_CASE("report model: broken JSON is a problem, not a failure; no dump is") {
  auto m = report::load(test::write_dump("broken", {{"cluster/pods.json", "{not json"}, {"cluster/UNAVAILABLE", "the master is not running\n"}}), "");
  CHECK(m.pods.empty());
  REQUIRE(m.problems.size() == 1);
  CHECK(m.problems[0].find("cluster/pods.json: invalid JSON") == 0);
  CHECK(report::verdict(m).why == "Unhealthy: the master is not running.");
  CHECK_THROWS_AS(report::load("/nonexistent-dump", ""), Error);
  auto empty = test::write_dump("empty", {});
  fs::create_directories(empty);
  CHECK_THROWS_WITH(report::load(empty, ""), Catch::Contains("an empty dump"));
}

TEST_CASE("report model: JUnit in the dump or beside it") {
  auto files = test::dump_files();
  std::string beside = test::write_dump("beside", {{"e2e-results/junit_01.xml",
      R"(<testsuites><testsuite name="e2e"><testcase name="a"/><testcase name="b"><failure message="boom">at x.go:1</failure></testcase></testsuite></testsuites>)"},
      {"e2e-results/e2e.log", "line 1\nb failed: boom\nline 3\n"}});
  auto m = report::load(test::write_dump("junit", files), beside);
  REQUIRE(m.e2e);
  CHECK(m.e2e->passed == 1);
  CHECK(m.e2e->failed == 1);
  CHECK(m.e2e->failures[0].log == "line 1\nb failed: boom\nline 3");
  CHECK(report::load(test::write_dump("junit", files), "").e2e == std::nullopt);
}

TEST_CASE("report parse_time and clock_time") {
  CHECK(report::parse_time("1970-01-01T00:01:00Z") == 60);
  CHECK(report::parse_time("2026-11-27T13:44:25.123456Z") == report::parse_time("2026-11-27T13:44:25Z"));
  CHECK(report::parse_time("2026-11-27T15:44:25+02:00") == report::parse_time("2026-11-27T13:44:25Z"));
  CHECK(report::parse_time("") == 0);
  CHECK(report::parse_time("yesterday") == 0);
  CHECK(report::clock_time(report::parse_time("2026-11-27T13:44:25Z")) == "13:44:25");
  CHECK(report::clock_time(0).empty());
}

TEST_CASE("report tail: last lines, bounded bytes, whole lines") {
  std::string text;
  for (int i = 1; i <= 1000; ++i) text += "line " + std::to_string(i) + "\n";
  auto dir = test::write_dump("tail", {{"log", text}, {"short", "a\nb"}});
  auto t = report::tail(dir + "/log", 1 << 20, 3);
  CHECK(t.text == "line 998\nline 999\nline 1000\n");
  CHECK(t.cut);
  CHECK(t.size == text.size());
  t = report::tail(dir + "/log", 20, 100);
  CHECK(t.text == "line 999\nline 1000\n");  // the partial first line is dropped
  t = report::tail(dir + "/short", 100, 100);
  CHECK(t.text == "a\nb");
  CHECK_FALSE(t.cut);
}
