#pragma once
#include "report/junit.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dind::report {

// What a dump says about one node: from cluster/nodes.json (or the `kubectl
// get nodes -o wide` table of older dumps) and nodes/<name>/*.status.
struct Node {
  std::string name, role, version;
  std::string ready;  // the Ready condition: True, False, Unknown; "" when the dump does not say
  std::string ready_message;      // why not, when not
  std::string kubelet, containerd;  // "active (running)", "failed (Result: exit-code)", "" when not in the dump
  std::vector<std::string> ips, pod_cidrs, pressure;  // pressure: the *Pressure conditions that are True
  std::string down;  // nodes/<name>/DOWN: the container is not running
};

struct Termination {
  std::string reason;  // Error, OOMKilled, Completed, ...
  int exit_code = 0;
  int64_t started = 0, finished = 0;  // epoch seconds, 0 when unknown
};

struct Container {
  std::string name;
  bool ready = false;
  int restarts = 0;
  std::string state, reason;  // running|waiting|terminated, and the waiting/terminated reason
  int64_t started = 0;        // the current run's start
  std::optional<Termination> last;  // the previous run's end (lastState), or the current one's
  std::string log, previous_log;    // dump file names, "" when absent
};

struct Pod {
  std::string ns, name, node, phase;
  bool ready = false;
  std::vector<Container> containers;
  int restarts() const;
  // The most telling reason: a waiting reason (CrashLoopBackOff), else the last termination's.
  std::string reason() const;
  // Not Ready (and not Succeeded), or restarted: the report shows its logs and events.
  bool troubled() const;
  std::string id() const { return ns + "/" + name; }
};

struct Event {
  int64_t time = 0;
  std::string ns, kind, object, reason, type, message, node;
  int count = 1;
};

struct Model {
  std::string dir;  // the split dump on disk
  std::vector<std::string> files;  // every file in the dump, relative, sorted
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<Event> events;  // by time
  std::optional<E2eResult> e2e;
  std::string unavailable;  // cluster/UNAVAILABLE: why there are no cluster objects
  std::vector<std::string> problems;  // files that could not be read as expected
  const Pod* find_pod(const std::string& ns, const std::string& name) const;
};

// Reads a split dump directory. JUnit files are looked for in the dump and
// in `beside` (a directory next to it, or "").
Model load(const std::string& dir, const std::string& beside);

struct Verdict {
  enum Level { healthy, degraded, unhealthy } level = healthy;
  std::string why;  // one sentence
};
Verdict verdict(const Model& model);

// RFC 3339 ("2026-11-27T13:44:25Z", fractions and offsets allowed) to epoch seconds; 0 when invalid.
int64_t parse_time(std::string_view text);
// "13:44:25" (UTC) of epoch seconds; "" for 0.
std::string clock_time(int64_t t);

// The last max_lines lines of a file, at most max_bytes read from its end.
struct Tail {
  std::string text;
  uint64_t size = 0;
  bool cut = false;  // the file has more than the tail
};
Tail tail(const std::string& path, size_t max_bytes, size_t max_lines);

} // namespace dind::report
