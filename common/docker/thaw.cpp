#include "docker/thaw.hpp"

#include "docker/containers.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::docker {

namespace {

// Finds the container's cgroup in each hierarchy (cgroupfs: docker/<id>,
// systemd: docker-<id>.scope), then thaws parents before children: a child
// stays frozen while a parent is.
constexpr const char* thaw_script = R"sh(n=0
for d in $(find /host-cgroup -maxdepth 4 -type d \( -name "$ID" -o -name "docker-$ID.scope" \)); do
  for f in $(find "$d" -name freezer.state); do
    [ "$(cat "$f")" = THAWED ] || { echo THAWED > "$f" && n=$((n+1)); }
  done
  for f in $(find "$d" -name cgroup.freeze); do
    [ "$(cat "$f")" = 0 ] || { echo 0 > "$f" && n=$((n+1)); }
  done
done
echo "$n"
)sh";

} // namespace

int thaw_container_cgroups(Client& c, const std::string& id, const std::string& group_label) {
  auto info = inspect_container(c, id);
  if (!info) return 0;
  ContainerSpec spec;
  spec.image = json::str(*info, {"Image"});
  spec.entrypoint = {"/bin/sh", "-c", thaw_script};
  spec.env = {"ID=" + json::str(*info, {"Id"})};
  if (auto* group = json::find(*info, {"Config", "Labels", group_label.c_str()}); group && group->IsString()) {
    spec.labels[group_label] = group->GetString();
  }
  spec.mounts.push_back({"bind", "/sys/fs/cgroup", "/host-cgroup", false, ""});
  auto run = run_container(c, spec);
  if (run.status != 0) throw Error("thawing the cgroups of " + id + ": " + util::trim(run.logs.err));
  return static_cast<int>(util::parse_int(util::trim(run.logs.out), 0, 1 << 20, "thawed cgroups"));
}

void retry_thawed(Client& c, const std::string& id, const std::string& group_label, const std::function<void()>& op) {
  try {
    op();
  } catch (const DockerError& e) {
    auto info = e.status() == 500 ? inspect_container(c, id) : std::nullopt;
    if (!info || !json::flag(*info, {"State", "Running"})) throw;
    if (thaw_container_cgroups(c, id, group_label) == 0) throw;
    op();
  }
}

} // namespace dind::docker
