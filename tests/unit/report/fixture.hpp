#pragma once
// A small split dump on disk, as collect() writes it, for the report tests.
#include "util/strings.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace dind::test {

inline const std::string crasher = "<script>alert(1)</script>";

inline std::map<std::string, std::string> dump_files() {
  return {
      {"cluster/nodes.json", R"({"items":[
        {"metadata":{"name":"kube-master","labels":{"node-role.kubernetes.io/control-plane":""}},
         "spec":{"podCIDRs":["10.244.2.0/24","fd00:10:244:2::/72"]},
         "status":{"addresses":[{"type":"InternalIP","address":"10.192.42.2"},{"type":"Hostname","address":"kube-master"}],
                   "nodeInfo":{"kubeletVersion":"v1.34.4"},
                   "conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]}},
        {"metadata":{"name":"kube-node-1","labels":{}},
         "spec":{"podCIDR":"10.244.3.0/24"},
         "status":{"addresses":[{"type":"InternalIP","address":"10.192.42.3"}],
                   "conditions":[{"type":"DiskPressure","status":"True"},
                                 {"type":"Ready","status":"False","reason":"KubeletNotReady","message":"PLEG is not healthy"}]}}]})"},
      {"cluster/pods.json", R"({"items":[
        {"metadata":{"namespace":"default","name":")" + std::string("<script>alert(1)</script>") + R"("},
         "spec":{"nodeName":"kube-node-1"},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],
           "containerStatuses":[{"name":"c","ready":false,"restartCount":4,
             "state":{"waiting":{"reason":"CrashLoopBackOff"}},
             "lastState":{"terminated":{"reason":"Error","exitCode":1,"startedAt":"2026-11-27T13:00:10Z","finishedAt":"2026-11-27T13:00:11Z"}}}]}},
        {"metadata":{"namespace":"kube-system","name":"coredns-1"},
         "spec":{"nodeName":"kube-master"},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
           "containerStatuses":[{"name":"coredns","ready":true,"restartCount":0,
             "state":{"running":{"startedAt":"2026-11-27T13:00:00Z"}}}]}}]})"},
      {"cluster/events.json", R"({"items":[
        {"involvedObject":{"kind":"Pod","namespace":"default","name":"<script>alert(1)</script>"},
         "reason":"BackOff","type":"Warning","message":"Back-off restarting failed container c","count":5,
         "lastTimestamp":"2026-11-27T13:00:20Z","source":{"host":"kube-node-1"}},
        {"involvedObject":{"kind":"Node","name":"kube-master"},"reason":"Starting","type":"Normal","message":"Starting kubelet.",
         "eventTime":"2026-11-27T12:59:50.123456Z"}]})"},
      {"nodes/kube-master/kubelet.status", "● kubelet.service - kubelet\n     Active: active (running) since Fri 2026-11-27 12:59:50 UTC; 5min ago\n"},
      {"nodes/kube-master/containerd.status", "     Active: active (running) since Fri\n"},
      {"nodes/kube-node-1/DOWN", "kube-node-1 is exited\n"},
      {"pods/default/<script>alert(1)</script>/c.log", "starting\nfatal: <b>no config</b>\n"},
      {"pods/default/<script>alert(1)</script>/c.previous.log", "previous run\n"},
      {"pods/kube-system/coredns-1/coredns.log", "ready\n"},
  };
}

// Writes files under a fresh temp directory named for the test and returns it.
inline std::string write_dump(const std::string& name, const std::map<std::string, std::string>& files) {
  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / ("dind-report-test-" + name)).string();
  fs::remove_all(dir);
  for (auto& [file, content] : files) {
    fs::create_directories((fs::path(dir) / file).parent_path());
    util::write_file(dir + "/" + file, content);
  }
  return dir;
}

} // namespace dind::test
