#pragma once
#include "net/cidr.hpp"
#include "cluster/layout.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dind::doctor {

enum class Status { ok, info, warn, fail };  // fail: `up` cannot succeed

struct Check {
  std::string name;     // "docker", "inotify", ...
  Status status = Status::ok;
  std::string message;  // what was found
  std::string fix;      // what to do about it; "" when nothing
};

// "✗ inotify: ... — fix: ..." as doctor prints it and `up` fails with.
std::string line(const Check& c);
const char* status_name(Status s);
std::string to_json(const std::vector<Check>& checks);

// The pure decisions, one per check, on values the gatherer read; testable
// without the host.
Check inotify(int64_t instances, int64_t watches, size_t nodes);
Check cgroup(int version, const std::string& driver, const std::string& image);
Check storage(const std::string& driver, const std::string& backing);
Check privileged(bool privileged);
struct Network {
  std::string name;
  std::vector<std::string> subnets;
};
// Docker networks other than the plan's own whose subnets overlap the plan's
// management, pod or service ranges.
Check networks(const cluster::Layout& plan, const std::vector<Network>& existing);
Check port(std::optional<int> port, bool in_use, bool cluster_exists);
Check disk(const std::string& path, uint64_t free_bytes, size_t nodes);
Check memory(uint64_t available_bytes, size_t nodes);
Check leftovers(const cluster::Layout& plan, size_t containers, size_t volumes);
// A kernel feature: present (true), absent (false) or unknown (nullopt).
Check kernel(const std::string& feature, std::optional<bool> present, bool needed, const std::string& what_needs_it,
             const std::string& fix);
// NODE_CPUS & co: none, or within the host's CPUs with lxcfs able to run
// (problem: what stops it, "" when nothing; fix: what to do).
Check limits(const cluster::Layout& plan, int64_t host_cpus, const std::string& problem, const std::string& fix);
Check device(const std::string& path, bool present, bool needed, const std::string& what_needs_it, const std::string& fix);

} // namespace dind::doctor
