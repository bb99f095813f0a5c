#include "report/html.hpp"

#include "report/timeline.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <cstdio>
#include <set>

namespace dind::report {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string id_part(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '-';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A relative URL of a path: percent-encoded but for the characters paths usually have.
std::string url_path(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

std::string file_anchor(std::string_view name) { return "f-" + id_part(name); }
std::string pod_anchor(const Pod& pod) { return "pod-" + id_part(pod.id()); }

namespace {

const char* style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 40px;color:#1d232a}
h1{font-size:22px;margin:18px 0 2px}h2{font-size:18px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
h3{font-size:15px;margin:14px 0 6px}.src{color:#57606a;margin:0}
a{color:#0a58ca;text-decoration:none}a:hover{text-decoration:underline}
.verdict{padding:10px 14px;border-radius:6px;font-size:16px;margin-top:14px}
.verdict.healthy{background:#dafbe1;border:1px solid #4ac26b}.verdict.degraded{background:#fff8c5;border:1px solid #d4a72c}
.verdict.unhealthy{background:#ffebe9;border:1px solid #ff8182}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}.bad{color:#cf222e;font-weight:600}.good{color:#1a7f37}.warn{color:#9a6700}
.grid{display:flex;flex-wrap:wrap;gap:6px}
.pod{display:block;width:220px;padding:5px 8px;border-radius:5px;border:1px solid #0002;color:#1d232a;overflow:hidden}
.pod b{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.pod span{font-size:12px}
.p-ready{background:#dafbe1}.p-notready{background:#ffd8b5}.p-pending{background:#fff8c5}.p-failed{background:#ffcecb}
.p-succeeded{background:#ddf4ff}.p-unknown{background:#eaeef2}.pod.restarted{border:2px solid #bf8700}
details{border:1px solid #d0d7de;border-radius:5px;margin:6px 0;padding:4px 8px}summary{cursor:pointer}
details:target{border-color:#0a58ca;box-shadow:0 0 0 2px #0a58ca44}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:480px;font-size:12px;white-space:pre-wrap;word-break:break-all}
.legend span{margin-right:14px;font-size:12px}.cut{color:#57606a;font-size:12px}
svg text{font:11px system-ui,sans-serif}
)";

class Page {
public:
  Page(const Model& m, const RenderOptions& o) : m_(m), o_(o) {
    for (auto& f : m.files) files_.insert(f);
  }

  std::string render() {
    auto v = verdict(m_);
    static const char* level[] = {"healthy", "degraded", "unhealthy"};
    static const char* mark[] = {"✓", "!", "✗"};
    out_ += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width\"><title>dind report: " + escape(level[v.level]) +
            "</title><style>" + style + "</style></head><body>\n";
    out_ += "<h1>dind cluster report</h1><p class=\"src\">" + escape(o_.source) + " · " + std::to_string(m_.files.size()) +
            " files</p>\n";
    out_ += std::string("<section id=\"verdict\" class=\"verdict ") + level[v.level] + "\"><b>" + mark[v.level] + "</b> " +
            escape(v.why) + "</section>\n";
    nodes();
    pods();
    timeline();
    troubled();
    e2e();
    raw_files();
    out_ += "</body></html>\n";
    return std::move(out_);
  }

private:
  // A link to a dump file's embedded tail, or the plain text when the file is not in the dump.
  std::string file_link(const std::string& file, const std::string& text) const {
    if (!files_.count(file)) return escape(text);
    return "<a href=\"#" + file_anchor(file) + "\" title=\"" + escape(file) + "\">" + escape(text) + "</a>";
  }
  std::string first_file(std::initializer_list<std::string> names) const {
    for (auto& n : names) {
      if (files_.count(n)) return n;
    }
    return "";
  }

  static std::string state_class(const std::string& s) {
    return util::starts_with(s, "active") ? "good" : s.empty() ? "" : "bad";
  }

  void nodes() {
    out_ += "<section id=\"nodes\"><h2>Nodes</h2>\n";
    if (m_.nodes.empty()) {
      out_ += "<p class=\"bad\">No nodes in the dump.</p></section>\n";
      return;
    }
    std::string objects = first_file({"cluster/nodes.json", "cluster/nodes"});
    out_ += "<table><tr><th>node</th><th>role</th><th>Ready</th><th>kubelet</th><th>containerd</th><th>IPs</th>"
            "<th>pod CIDRs</th><th>pressure</th><th>version</th></tr>\n";
    for (auto& n : m_.nodes) {
      std::string dir = "nodes/" + n.name + "/";
      std::string ready = !n.down.empty() ? "down: " + n.down : n.ready == "True" ? "Ready" : n.ready.empty() ? "?" : "not Ready " + n.ready_message;
      out_ += "<tr id=\"node-" + id_part(n.name) + "\"><td>" + file_link(objects, n.name) + "</td><td>" + escape(n.role) +
              "</td><td class=\"" + (!n.down.empty() ? "bad" : n.ready == "True" ? "good" : n.ready.empty() ? "" : "bad") + "\">" +
              file_link(n.down.empty() ? "cluster/describe-nodes" : dir + "DOWN", ready) + "</td><td class=\"" +
              state_class(n.kubelet) + "\">" + file_link(dir + "kubelet.journal", n.kubelet) + "</td><td class=\"" +
              state_class(n.containerd) + "\">" + file_link(dir + "containerd.journal", n.containerd) + "</td><td>" +
              escape(util::join(n.ips, " ")) + "</td><td>" + escape(util::join(n.pod_cidrs, " ")) + "</td><td class=\"" +
              (n.pressure.empty() ? "good" : "bad") + "\">" + escape(n.pressure.empty() ? "none" : util::join(n.pressure, ", ")) +
              "</td><td>" + escape(n.version) + "</td></tr>\n";
    }
    out_ += "</table></section>\n";
  }

  static std::string pod_class(const Pod& p) {
    if (p.phase == "Running") return p.ready ? "p-ready" : "p-notready";
    if (p.phase == "Pending") return "p-pending";
    if (p.phase == "Failed") return "p-failed";
    if (p.phase == "Succeeded") return "p-succeeded";
    return "p-unknown";
  }

  void pods() {
    out_ += "<section id=\"pods\"><h2>Pods</h2>\n";
    if (m_.pods.empty()) {
      out_ += "<p>No pods in the dump.</p></section>\n";
      return;
    }
    out_ += "<p class=\"legend\"><span class=\"pod p-ready\" style=\"display:inline;width:auto\">Running, Ready</span> "
            "<span class=\"pod p-notready\" style=\"display:inline;width:auto\">Running, not Ready</span> "
            "<span class=\"pod p-pending\" style=\"display:inline;width:auto\">Pending</span> "
            "<span class=\"pod p-failed\" style=\"display:inline;width:auto\">Failed</span> "
            "<span class=\"pod p-succeeded\" style=\"display:inline;width:auto\">Succeeded</span> thick border: restarted</p>\n";
    std::string ns;
    for (auto& p : m_.pods) {
      if (p.ns != ns) {
        if (!ns.empty()) out_ += "</div>\n";
        ns = p.ns;
        out_ += "<h3>" + escape(ns) + "</h3><div class=\"grid\">\n";
      }
      std::string href = p.troubled() ? pod_anchor(p) : "";
      for (auto& c : p.containers) {
        if (href.empty() && !c.log.empty()) href = file_anchor(c.log);
      }
      if (href.empty()) href = file_anchor(first_file({"cluster/pods.json", "cluster/get-all"}));
      std::string detail = p.phase + " · " + std::to_string(p.restarts()) + " restarts";
      if (!p.reason().empty()) detail += " · " + p.reason();
      out_ += "<a class=\"pod " + pod_class(p) + (p.restarts() ? " restarted" : "") + "\" href=\"#" + href + "\" title=\"" +
              escape(p.id() + " on " + (p.node.empty() ? "no node" : p.node)) + "\"><b>" + escape(p.name) + "</b><span>" +
              escape(detail) + "</span></a>\n";
    }
    out_ += "</div></section>\n";
  }

  void timeline() {
    out_ += "<section id=\"timeline\"><h2>Timeline</h2>\n";
    std::string svg = timeline_svg(m_);
    if (svg.empty()) {
      out_ += "<p>Nothing in the dump has a time (no events.json or pods.json).</p></section>\n";
      return;
    }
    out_ += "<p class=\"legend\"><span>● container start</span><span style=\"color:#cf222e\">✕ container ended (failed)</span>"
            "<span style=\"color:#57606a\">✕ ended (completed)</span><span style=\"color:#bf8700\">▲ Warning event</span>"
            "<span style=\"color:#8c959f\">| Normal event</span> (hover for detail; from " +
            file_link("cluster/events.json", "events.json") + " and " + file_link("cluster/pods.json", "pods.json") + ")</p>\n" +
            svg + "</section>\n";
  }

  std::string log_block(const std::string& file, const std::string& label) const {
    auto t = tail(m_.dir + "/" + file, o_.file_bytes, o_.log_lines);
    return "<h4>" + escape(label) + " — last lines of " + file_link(file, file) + (t.cut ? "" : " (whole file)") +
           "</h4><pre>" + escape(t.text) + "</pre>\n";
  }

  void troubled() {
    out_ += "<section id=\"troubled\"><h2>Pods not Ready or restarted</h2>\n";
    bool any = false;
    for (auto& p : m_.pods) {
      if (!p.troubled()) continue;
      any = true;
      out_ += "<details id=\"" + pod_anchor(p) + "\"><summary><b>" + escape(p.id()) + "</b> — " +
              escape(p.phase + (p.ready ? ", Ready" : ", not Ready") + ", " + std::to_string(p.restarts()) + " restarts" +
                     (p.reason().empty() ? "" : ", " + p.reason()) + (p.node.empty() ? "" : ", on " + p.node)) +
              "</summary>\n";
      for (auto& c : p.containers) {
        std::string state = c.name + ": " + (c.state.empty() ? "no state" : c.state) + (c.reason.empty() ? "" : " (" + c.reason + ")");
        if (c.last) state += ", last ended " + c.last->reason + " exit " + std::to_string(c.last->exit_code);
        out_ += "<p>" + escape(state) + "</p>\n";
        if (!c.previous_log.empty()) out_ += log_block(c.previous_log, c.name + ", previous run");
        if (!c.log.empty()) out_ += log_block(c.log, c.name);
      }
      out_ += "<h4>Events (" + file_link(first_file({"cluster/events.json", "cluster/events"}), "all events") + ")</h4>\n";
      std::string rows;
      for (auto& e : m_.events) {
        if (e.kind != "Pod" || e.ns != p.ns || e.object != p.name) continue;
        rows += "<tr><td>" + escape(clock_time(e.time)) + "</td><td class=\"" + (e.type == "Warning" ? "warn" : "") + "\">" +
                escape(e.type) + "</td><td>" + escape(e.reason) + "</td><td>" + std::to_string(e.count) + "</td><td>" +
                escape(e.message) + "</td></tr>\n";
      }
      out_ += rows.empty() ? "<p>none in the dump</p>\n"
                           : "<table><tr><th>time</th><th>type</th><th>reason</th><th>count</th><th>message</th></tr>\n" + rows + "</table>\n";
      out_ += "</details>\n";
    }
    if (!any) out_ += "<p class=\"good\">Every pod is Ready (or Completed) and none restarted.</p>\n";
    out_ += "</section>\n";
  }

  void e2e() {
    if (!m_.e2e) return;
    auto& r = *m_.e2e;
    std::string file = util::starts_with(r.file, m_.dir + "/") ? r.file.substr(m_.dir.size() + 1) : "";
    out_ += "<section id=\"e2e\"><h2>e2e result</h2>\n<p><span class=\"good\">" + std::to_string(r.passed) +
            " passed</span>, <span class=\"" + (r.failed ? "bad" : "") + "\">" + std::to_string(r.failed) + " failed</span>, " +
            std::to_string(r.skipped) + " skipped (" + (file.empty() ? escape(r.file) : file_link(file, file)) + ")</p>\n";
    for (auto& f : r.failures) {
      out_ += "<details><summary class=\"bad\">" + escape(f.name) + "</summary><p>" + escape(f.message) + "</p>";
      if (!f.text.empty()) out_ += "<pre>" + escape(f.text) + "</pre>";
      if (!f.log.empty()) out_ += "<h4>around it in e2e.log</h4><pre>" + escape(f.log) + "</pre>";
      out_ += "</details>\n";
    }
    out_ += "</section>\n";
  }

  void raw_files() {
    out_ += "<section id=\"files\"><h2>Raw files</h2>\n<p>The tail of every file in the dump" +
            std::string(o_.raw_href.empty() ? "" : " (the name links the whole file)") + ".</p>\n";
    for (auto& f : m_.files) {
      auto t = tail(m_.dir + "/" + f, o_.file_bytes, o_.file_lines);
      std::string name = o_.raw_href.empty() ? escape(f) : "<a href=\"" + url_path(o_.raw_href + "/" + f) + "\">" + escape(f) + "</a>";
      out_ += "<details id=\"" + file_anchor(f) + "\"><summary>" + name + " <span class=\"cut\">" + size(t.size) +
              (t.cut ? ", last lines" : "") + "</span></summary><pre>" + escape(t.text) + "</pre></details>\n";
    }
    if (!m_.problems.empty()) {
      out_ += "<p class=\"warn\">Not understood: " + escape(util::join(m_.problems, "; ")) + "</p>\n";
    }
    out_ += "</section>\n";
  }

  static std::string size(uint64_t bytes) {
    char buf[32];
    if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < (1u << 20)) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
  }

  const Model& m_;
  const RenderOptions& o_;
  std::set<std::string> files_;
  std::string out_;
};

} // namespace

std::string render(const Model& model, const RenderOptions& options) { return Page(model, options).render(); }

} // namespace dind::report
