#pragma once
#include "docker/client.hpp"

#include <functional>
#include <string>

namespace dind::docker {

// A task in a frozen cgroup cannot die: a nested runc that froze a cgroup
// while setting it up (its systemd driver does) and was killed with its
// container leaves the engine's kill waiting for an exit that never comes.
// This thaws every frozen cgroup under the container's own, from a
// short-lived container of the same image that binds the engine host's
// cgroup tree (v1 freezer.state or v2 cgroup.freeze, either cgroup driver).
// The helper carries the container's label group_label, so that whatever
// removes the container's group removes a helper left behind too.
// Returns how many were thawed.
int thaw_container_cgroups(Client& c, const std::string& id, const std::string& group_label);

// Runs op (a kill, stop or removal of container id); when the engine answers
// 500 and the container still runs, thaws its cgroups and, if any was
// frozen, runs op once more. Otherwise the engine's error stands.
void retry_thawed(Client& c, const std::string& id, const std::string& group_label, const std::function<void()>& op);

} // namespace dind::docker
