#include "snapshot/changes.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <set>

namespace dind::snapshot {

namespace {

bool under(const std::string& path, const std::string& dir) {
  return path == dir || util::starts_with(path, dir + "/");
}

// /lib/modules is the host's, bind-mounted read-only (seen through Debian's
// /lib -> /usr/lib link): a restore must not write into it. The registry
// files and DIND_CA_CERT are written from the configuration of the `up` that
// restores (as every node creation does), not brought back.
const std::vector<std::string> left_out = {"/var", "/etc/kubernetes", "/run", "/tmp", "/dev", "/proc", "/sys",
                                           "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/resolv.conf.dind",
                                           "/lib/modules", "/usr/lib/modules", "/etc/containerd/certs.d",
                                           "/etc/ssl/certs/ca-certificates.crt", "/usr/local/share/ca-certificates/dind-ca.crt"};

} // namespace

std::vector<std::string> changed_roots(const std::vector<std::pair<std::string, int>>& changes,
                                       const std::vector<std::string>& mounts) {
  std::set<std::string> every, added, changed;  // sorted: a parent comes before its children
  for (auto& change : changes) {
    const std::string& path = change.first;  // a named reference: lambdas cannot capture bindings before C++20
    int kind = change.second;
    if (path.empty() || path[0] != '/' || path == "/") continue;
    every.insert(path);
    if (kind == 2) continue;
    if (std::any_of(left_out.begin(), left_out.end(), [&](auto& d) { return under(path, d); })) continue;
    if (std::any_of(mounts.begin(), mounts.end(), [&](auto& d) { return under(path, d); })) continue;
    (kind == 1 ? added : changed).insert(path);
  }
  std::set<std::string> all(added);
  all.insert(changed.begin(), changed.end());
  std::vector<std::string> roots;
  for (auto& path : all) {
    // inside an added directory: its archive holds this one
    bool inside = false;
    for (auto p = path.rfind('/'); p != 0 && p != std::string::npos; p = path.rfind('/', p - 1)) {
      if (added.count(path.substr(0, p))) inside = true;
    }
    if (inside) continue;
    // a modified directory with any change below (even one left out, or a
    // deletion) is only their parent: never archive it whole (/usr/lib!)
    if (changed.count(path)) {
      auto next = every.upper_bound(path);
      if (next != every.end() && util::starts_with(*next, path + "/")) continue;
    }
    roots.push_back(path);
  }
  return roots;
}

void add_rerooted(util::tar::Writer& w, const std::string& path, std::string_view archive) {
  std::string parent = path.substr(1, path.rfind('/'));  // "etc/dind/" for /etc/dind/plan.json, "" for /root
  for (auto& e : util::tar::read_all(archive)) {
    std::string name = parent + e.name;
    if (e.name.empty() || e.name[0] == '/' || e.name.find("..") != std::string::npos) {
      throw Error("archive of " + path + ": unexpected entry '" + e.name + "'");
    }
    switch (e.type) {
      case '5': w.add_dir(name, e.mode & 07777); break;
      case '0': case '7': w.add_data(name, e.content, e.mode & 07777); break;
      case '2': w.add_symlink(name, e.link); break;
      default: throw Error("cannot snapshot /" + name + ": entry type '" + std::string(1, e.type) + "' is not supported");
    }
  }
}

} // namespace dind::snapshot
