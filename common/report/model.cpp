#include "report/model.hpp"

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace dind::report {

namespace fs = std::filesystem;

int Pod::restarts() const {
  int n = 0;
  for (auto& c : containers) n += c.restarts;
  return n;
}

std::string Pod::reason() const {
  for (auto& c : containers) {
    if (c.state == "waiting" && !c.reason.empty() && c.reason != "ContainerCreating" && c.reason != "PodInitializing") return c.reason;
  }
  for (auto& c : containers) {
    if (c.state == "terminated" && !c.reason.empty() && c.reason != "Completed") return c.reason;
  }
  for (auto& c : containers) {
    if (c.last && !c.last->reason.empty()) return c.last->reason;
  }
  for (auto& c : containers) {
    if (!c.reason.empty()) return c.reason;
  }
  return "";
}

bool Pod::troubled() const { return (!ready && phase != "Succeeded") || restarts() > 0; }

const Pod* Model::find_pod(const std::string& ns, const std::string& name) const {
  for (auto& p : pods) {
    if (p.ns == ns && p.name == name) return &p;
  }
  return nullptr;
}

int64_t parse_time(std::string_view text) {
  int y, mo, d, h, mi, s;
  if (text.size() < 19 || std::sscanf(std::string(text.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  int64_t t = ::timegm(&tm);
  // skip fractions, then apply an offset ("+02:00": local time ahead of UTC)
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  if (i + 6 <= text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(text.substr(i + 1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
      t += (text[i] == '+' ? -1 : 1) * (oh * 3600 + om * 60);
    }
  }
  return t;
}

std::string clock_time(int64_t t) {
  if (!t) return "";
  time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

Tail tail(const std::string& path, size_t max_bytes, size_t max_lines) {
  Tail t;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return t;
  t.size = static_cast<uint64_t>(in.tellg());
  uint64_t from = t.size > max_bytes ? t.size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  t.text.resize(t.size - from);
  in.read(t.text.data(), static_cast<std::streamsize>(t.text.size()));
  t.text.resize(static_cast<size_t>(in.gcount()));
  if (from > 0) {
    // start at a whole line
    size_t nl = t.text.find('\n');
    t.text.erase(0, nl == std::string::npos ? 0 : nl + 1);
    t.cut = true;
  }
  size_t lines = 0, pos = t.text.size();
  if (pos > 0 && t.text[pos - 1] == '\n') --pos;
  while (pos > 0) {
    size_t nl = t.text.rfind('\n', pos - 1);
    if (nl == std::string::npos) break;
    if (++lines == max_lines) {
      t.text.erase(0, nl + 1);
      t.cut = true;
      break;
    }
    pos = nl;
  }
  return t;
}

namespace {

// Columns of a kubectl table by the header's offsets (values may hold spaces,
// e.g. OS-IMAGE). Every section (header line, rows, blank line) is read.
std::vector<std::map<std::string, std::string>> table(const std::string& text) {
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::pair<std::string, size_t>> cols;
  for (auto& line : util::split(text, '\n', false)) {
    if (line.empty() || util::starts_with(line, "---")) {
      cols.clear();
      continue;
    }
    if (cols.empty()) {
      if (!util::starts_with(line, "NAME")) continue;
      for (size_t i = 0; i < line.size();) {
        size_t end = line.find("  ", i);
        std::string name = util::trim(line.substr(i, end == std::string::npos ? std::string::npos : end - i));
        cols.emplace_back(name, i);
        if (end == std::string::npos) break;
        i = line.find_first_not_of(' ', end);
        if (i == std::string::npos) break;
      }
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < cols.size(); ++c) {
      size_t from = cols[c].second, to = c + 1 < cols.size() ? cols[c + 1].second : std::string::npos;
      if (from < line.size()) row[cols[c].first] = util::trim(line.substr(from, to == std::string::npos ? to : to - from));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class Loader {
public:
  Loader(Model& m) : m_(m) {}

  bool has(const std::string& name) const { return std::binary_search(m_.files.begin(), m_.files.end(), name); }
  std::string path(const std::string& name) const { return m_.dir + "/" + name; }
  std::string read(const std::string& name) const { return util::read_file(path(name)); }

  // A kubectl -o json file; nullopt (and a problem noted) when absent or not JSON.
  std::optional<json::Document> json_file(const std::string& name) {
    if (!has(name)) return std::nullopt;
    try {
      auto d = json::parse(read(name), name);
      if (json::find(d, {"items"}) && (*json::find(d, {"items"})).IsArray()) return d;
      m_.problems.push_back(name + ": no items list");
    } catch (const Error& e) {
      m_.problems.push_back(e.what());
    }
    return std::nullopt;
  }

  void nodes() {
    if (auto d = json_file("cluster/nodes.json")) {
      for (auto& item : (*d)["items"].GetArray()) m_.nodes.push_back(node(item));
    } else if (has("cluster/nodes")) {
      for (auto& row : table(read("cluster/nodes"))) {
        Node n;
        n.name = row["NAME"];
        auto status = util::split(row["STATUS"], ',');
        n.ready = std::find(status.begin(), status.end(), "Ready") != status.end() ? "True" : "False";
        n.role = row["ROLES"] == "<none>" ? "worker" : row["ROLES"];
        n.version = row["VERSION"];
        if (!row["INTERNAL-IP"].empty()) n.ips.push_back(row["INTERNAL-IP"]);
        m_.nodes.push_back(n);
      }
    }
    // nodes/<name>/ has the units' state, and DOWN when the container was not running
    std::set<std::string> dirs;
    for (auto& f : m_.files) {
      if (util::starts_with(f, "nodes/") && f.find('/', 6) != std::string::npos) dirs.insert(f.substr(6, f.find('/', 6) - 6));
    }
    for (auto& dir : dirs) {
      auto it = std::find_if(m_.nodes.begin(), m_.nodes.end(), [&](const Node& n) { return n.name == dir; });
      if (it == m_.nodes.end()) {
        Node n;
        n.name = dir;
        n.role = dir.find("master") != std::string::npos ? "control-plane" : "worker";
        it = m_.nodes.insert(m_.nodes.end(), n);
      }
      std::string base = "nodes/" + dir + "/";
      if (has(base + "DOWN")) it->down = util::trim(read(base + "DOWN"));
      it->kubelet = unit_state(base + "kubelet.status");
      it->containerd = unit_state(base + "containerd.status");
    }
  }

  void pods() {
    if (auto d = json_file("cluster/pods.json")) {
      for (auto& item : (*d)["items"].GetArray()) m_.pods.push_back(pod(item));
    } else if (has("cluster/get-all")) {
      for (auto& row : table(read("cluster/get-all"))) {
        if (!util::starts_with(row["NAME"], "pod/")) continue;
        m_.pods.push_back(pod(row));
      }
    }
    std::sort(m_.pods.begin(), m_.pods.end(), [](const Pod& a, const Pod& b) { return a.id() < b.id(); });
  }

  void events() {
    if (auto d = json_file("cluster/events.json")) {
      for (auto& item : (*d)["items"].GetArray()) {
        Event e;
        e.ns = json::str(item, {"involvedObject", "namespace"});
        e.kind = json::str(item, {"involvedObject", "kind"});
        e.object = json::str(item, {"involvedObject", "name"});
        e.reason = json::str(item, {"reason"});
        e.type = json::str(item, {"type"});
        e.message = json::str(item, {"message"});
        e.count = static_cast<int>(json::num(item, {"count"}, 1));
        for (auto* key : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
          if (!e.time) e.time = parse_time(json::str(item, {key}));
        }
        if (!e.time) e.time = parse_time(json::str(item, {"metadata", "creationTimestamp"}));
        if (e.kind == "Node") e.node = e.object;
        else if (auto* p = e.kind == "Pod" ? m_.find_pod(e.ns, e.object) : nullptr) e.node = p->node;
        if (e.node.empty()) e.node = json::str(item, {"source", "host"});
        m_.events.push_back(std::move(e));
      }
      std::stable_sort(m_.events.begin(), m_.events.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
    }
  }

  void e2e(const std::string& beside) {
    std::vector<std::string> candidates;
    for (auto& f : m_.files) {
      if (util::ends_with(f, ".xml")) candidates.push_back(path(f));
    }
    if (!beside.empty()) {
      for (auto dir : {beside, beside + "/e2e-results"}) {
        std::error_code ec;
        for (auto& e : fs::directory_iterator(dir, ec)) {
          if (e.is_regular_file() && e.path().extension() == ".xml") candidates.push_back(e.path().string());
        }
      }
    }
    std::sort(candidates.begin(), candidates.end());
    for (auto& c : candidates) {
      std::string xml;
      try {
        xml = util::read_file(c);
        m_.e2e = parse_junit(xml, c);
      } catch (const Error&) {
        continue;  // some other XML
      }
      std::string log = fs::path(c).parent_path().string() + "/e2e.log";
      if (fs::exists(log)) add_log_context(*m_.e2e, tail(log, 64u << 20, SIZE_MAX).text, 8);
      return;
    }
  }

private:
  std::string unit_state(const std::string& name) {
    if (!has(name)) return "";
    for (auto& line : util::split(tail(path(name), 64 << 10, 2000).text, '\n')) {
      std::string t = util::trim(line);
      if (util::starts_with(t, "Active:")) {
        std::string s = util::trim(t.substr(7));
        auto since = s.find(" since ");
        return since == std::string::npos ? s : s.substr(0, since);
      }
    }
    return "unknown";
  }

  static Node node(const json::Value& item) {
    Node n;
    n.name = json::str(item, {"metadata", "name"});
    std::vector<std::string> roles;
    for (auto& [k, v] : json::string_map(item, {"metadata", "labels"})) {
      if (util::starts_with(k, "node-role.kubernetes.io/")) roles.push_back(k.substr(24));
    }
    n.role = roles.empty() ? "worker" : util::join(roles, ",");
    n.version = json::str(item, {"status", "nodeInfo", "kubeletVersion"});
    if (auto* a = json::find(item, {"status", "addresses"}); a && a->IsArray()) {
      for (auto& addr : a->GetArray()) {
        if (json::str(addr, {"type"}) == "InternalIP") n.ips.push_back(json::str(addr, {"address"}));
      }
    }
    if (auto* c = json::find(item, {"spec", "podCIDRs"}); c && c->IsArray()) {
      for (auto& cidr : c->GetArray()) {
        if (cidr.IsString()) n.pod_cidrs.push_back(cidr.GetString());
      }
    } else if (!json::str(item, {"spec", "podCIDR"}).empty()) {
      n.pod_cidrs.push_back(json::str(item, {"spec", "podCIDR"}));
    }
    if (auto* c = json::find(item, {"status", "conditions"}); c && c->IsArray()) {
      for (auto& cond : c->GetArray()) {
        std::string type = json::str(cond, {"type"}), status = json::str(cond, {"status"});
        if (type == "Ready") {
          n.ready = status;
          if (status != "True") n.ready_message = json::str(cond, {"reason"}) + ": " + json::str(cond, {"message"});
        } else if (util::ends_with(type, "Pressure") && status == "True") {
          n.pressure.push_back(type);
        }
      }
    }
    return n;
  }

  static Termination termination(const json::Value& t) {
    Termination r;
    r.reason = json::str(t, {"reason"});
    r.exit_code = static_cast<int>(json::num(t, {"exitCode"}));
    r.started = parse_time(json::str(t, {"startedAt"}));
    r.finished = parse_time(json::str(t, {"finishedAt"}));
    return r;
  }

  Pod pod(const json::Value& item) const {
    Pod p;
    p.ns = json::str(item, {"metadata", "namespace"});
    p.name = json::str(item, {"metadata", "name"});
    p.node = json::str(item, {"spec", "nodeName"});
    p.phase = json::str(item, {"status", "phase"}, "Unknown");
    if (auto* c = json::find(item, {"status", "conditions"}); c && c->IsArray()) {
      for (auto& cond : c->GetArray()) {
        if (json::str(cond, {"type"}) == "Ready") p.ready = json::str(cond, {"status"}) == "True";
      }
    }
    for (auto* key : {"initContainerStatuses", "containerStatuses"}) {
      auto* list = json::find(item, {"status", key});
      if (!list || !list->IsArray()) continue;
      for (auto& s : list->GetArray()) {
        Container c;
        c.name = json::str(s, {"name"});
        c.ready = json::flag(s, {"ready"});
        c.restarts = static_cast<int>(json::num(s, {"restartCount"}));
        if (auto* st = json::find(s, {"state"}); st && st->IsObject() && st->MemberCount() > 0) {
          const auto& m = *st->MemberBegin();
          c.state = m.name.GetString();
          c.reason = json::str(m.value, {"reason"});
          c.started = parse_time(json::str(m.value, {"startedAt"}));
          if (c.state == "terminated") c.last = termination(m.value);
        }
        if (auto* t = json::find(s, {"lastState", "terminated"}); t && t->IsObject()) c.last = termination(*t);
        std::string base = "pods/" + p.ns + "/" + p.name + "/" + c.name;
        if (has(base + ".log")) c.log = base + ".log";
        if (has(base + ".previous.log")) c.previous_log = base + ".previous.log";
        p.containers.push_back(std::move(c));
      }
    }
    return p;
  }

  // A row of `kubectl get all -o wide` (dumps without pods.json).
  Pod pod(std::map<std::string, std::string>& row) const {
    Pod p;
    p.ns = row["NAMESPACE"];
    p.name = row["NAME"].substr(4);
    p.node = row["NODE"];
    std::string status = row["STATUS"];
    static const std::set<std::string> phases = {"Running", "Pending", "Succeeded", "Failed", "Unknown"};
    p.phase = phases.count(status) ? status : status == "Completed" ? "Succeeded" : status == "Error" ? "Failed" : "Pending";
    auto ready = util::split(row["READY"], '/');
    p.ready = ready.size() == 2 && ready[0] == ready[1] && ready[0] != "0";
    Container c;
    c.restarts = std::atoi(row["RESTARTS"].c_str());
    if (!phases.count(status)) {
      c.state = "waiting";
      c.reason = status;
    }
    p.containers.push_back(c);
    return p;
  }

  Model& m_;
};

// "a, b and c" of the first three, "and N more" after that.
std::string list(const std::vector<std::string>& items) {
  std::string out;
  size_t shown = std::min<size_t>(items.size(), 3);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += i + 1 == shown && items.size() <= 3 ? " and " : ", ";
    out += items[i];
  }
  if (items.size() > 3) out += " and " + std::to_string(items.size() - 3) + " more";
  return out;
}

} // namespace

Model load(const std::string& dir, const std::string& beside) {
  if (!fs::is_directory(dir)) throw Error(dir + ": not a directory");
  Model m;
  m.dir = dir;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) m.files.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(m.files.begin(), m.files.end());
  if (m.files.empty()) throw Error(dir + ": an empty dump");
  Loader l(m);
  if (l.has("cluster/UNAVAILABLE")) m.unavailable = util::trim(l.read("cluster/UNAVAILABLE"));
  l.nodes();
  l.pods();
  l.events();
  l.e2e(beside);
  return m;
}

Verdict verdict(const Model& m) {
  std::vector<std::string> bad, restarted;
  if (!m.unavailable.empty()) bad.push_back(m.unavailable);
  if (m.nodes.empty() && m.unavailable.empty()) bad.push_back("the dump has no nodes");
  for (auto& n : m.nodes) {
    if (!n.down.empty()) bad.push_back("node " + n.name + " is down (" + n.down + ")");
    else if (n.ready != "True" && !n.ready.empty()) bad.push_back("node " + n.name + " is not Ready" + (n.ready_message.empty() ? "" : " (" + n.ready_message + ")"));
    else if (!n.pressure.empty()) bad.push_back("node " + n.name + " has " + util::join(n.pressure, ", "));
  }
  std::vector<std::string> not_ready;
  for (auto& p : m.pods) {
    std::string why = p.reason().empty() ? p.phase : p.reason();
    if (!p.ready && p.phase != "Succeeded") not_ready.push_back(p.id() + " (" + why + ")");
    else if (p.restarts() > 0) restarted.push_back(p.id() + " (" + util::plural(static_cast<size_t>(p.restarts()), "restart") + ")");
  }
  if (!not_ready.empty()) bad.push_back(util::plural(not_ready.size(), "pod") + (not_ready.size() == 1 ? " is" : " are") + " not Ready: " + list(not_ready));
  if (m.e2e && m.e2e->failed > 0) {
    std::vector<std::string> names;
    for (auto& f : m.e2e->failures) names.push_back(f.name);
    bad.push_back(std::to_string(m.e2e->failed) + " of " + std::to_string(m.e2e->failed + m.e2e->passed) + " e2e tests failed: " + list(names));
  }
  Verdict v;
  if (!bad.empty()) {
    v.level = Verdict::unhealthy;
    v.why = "Unhealthy: " + util::join(bad, "; ") + ".";
  } else if (!restarted.empty()) {
    v.level = Verdict::degraded;
    v.why = "Running, but " + util::plural(restarted.size(), "pod") + (restarted.size() == 1 ? " has" : " have") + " restarted: " + list(restarted) + ".";
  } else {
    v.why = "Healthy: " + util::plural(m.nodes.size(), "node") + " Ready, " + util::plural(m.pods.size(), "pod") + " Running or Completed" +
            (m.e2e ? ", " + std::to_string(m.e2e->passed) + " e2e tests passed" : "") + ".";
  }
  return v;
}

} // namespace dind::report
