#include "report/timeline.hpp"

#include "report/html.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace dind::report {

namespace {

enum class Kind { start, failed, ended, warning, normal };

struct Mark {
  int64_t time;
  std::string row;  // node name, "" for cluster-wide
  Kind kind;
  std::string text;
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

} // namespace

std::string timeline_svg(const Model& m, size_t max_marks) {
  std::vector<Mark> marks;
  for (auto& p : m.pods) {
    for (auto& c : p.containers) {
      std::string who = p.id() + " " + c.name;
      if (c.started) marks.push_back({c.started, p.node, Kind::start, who + " started"});
      if (c.last && c.last->started && c.last->started != c.started) marks.push_back({c.last->started, p.node, Kind::start, who + " started"});
      if (c.last && c.last->finished) {
        bool ok = c.last->exit_code == 0 && (c.last->reason.empty() || c.last->reason == "Completed");
        marks.push_back({c.last->finished, p.node, ok ? Kind::ended : Kind::failed,
                         who + " ended: " + c.last->reason + " (exit " + std::to_string(c.last->exit_code) + ")"});
      }
    }
  }
  size_t normal_room = max_marks > marks.size() ? max_marks - marks.size() : 0;
  std::vector<Mark> normal;
  for (auto& e : m.events) {
    if (!e.time) continue;
    Mark mk{e.time, e.node, e.type == "Warning" ? Kind::warning : Kind::normal,
            e.type + " " + e.reason + " " + e.kind + "/" + (e.ns.empty() ? "" : e.ns + "/") + e.object +
                (e.count > 1 ? " (x" + std::to_string(e.count) + ")" : "") + ": " + e.message};
    if (mk.kind == Kind::warning) marks.push_back(std::move(mk));
    else normal.push_back(std::move(mk));
  }
  // the DOM stays small: Normal events are the first to go
  if (normal.size() > normal_room) {
    std::vector<Mark> kept;
    for (size_t i = 0; i < normal_room; ++i) kept.push_back(std::move(normal[i * normal.size() / normal_room]));
    normal.swap(kept);
  }
  for (auto& n : normal) marks.push_back(std::move(n));
  if (marks.size() > max_marks) marks.resize(max_marks);
  if (marks.empty()) return "";

  std::vector<std::string> rows;
  for (auto& n : m.nodes) rows.push_back(n.name);
  bool cluster_row = false;
  for (auto& mk : marks) {
    if (std::find(rows.begin(), rows.end(), mk.row) == rows.end()) {
      if (mk.row.empty()) cluster_row = true;
      else rows.push_back(mk.row);
    }
  }
  if (cluster_row) rows.push_back("");
  auto [lo, hi] = std::minmax_element(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.time < b.time; });
  int64_t t0 = lo->time, t1 = std::max(hi->time, t0 + 1);
  const double left = 170, width = 800, right = 40, row_h = 30, top = 10;
  double height = top + row_h * static_cast<double>(rows.size()) + 30;
  auto x = [&](int64_t t) { return left + width * static_cast<double>(t - t0) / static_cast<double>(t1 - t0); };
  auto y = [&](const std::string& row) {
    return top + row_h * static_cast<double>(std::find(rows.begin(), rows.end(), row) - rows.begin()) + row_h / 2;
  };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(left + width + right) + "\" height=\"" + num(height) +
                    "\" viewBox=\"0 0 " + num(left + width + right) + " " + num(height) + "\" role=\"img\" aria-label=\"timeline\">\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    double ry = top + row_h * static_cast<double>(i);
    svg += "<rect x=\"0\" y=\"" + num(ry) + "\" width=\"" + num(left + width + right) + "\" height=\"" + num(row_h) + "\" fill=\"" +
           (i % 2 ? "#ffffff" : "#f6f8fa") + "\"/><text x=\"4\" y=\"" + num(ry + row_h / 2 + 4) + "\">" +
           escape(rows[i].empty() ? "(cluster)" : rows[i]) + "</text>\n";
  }
  double axis = top + row_h * static_cast<double>(rows.size());
  for (int i = 0; i <= 5; ++i) {
    int64_t t = t0 + (t1 - t0) * i / 5;
    svg += "<line x1=\"" + num(x(t)) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x(t)) + "\" y2=\"" + num(axis + 4) +
           "\" stroke=\"#d0d7de\"/><text x=\"" + num(x(t)) + "\" y=\"" + num(axis + 16) + "\" text-anchor=\"middle\">" +
           clock_time(t) + "</text>\n";
  }
  for (auto& mk : marks) {
    double mx = x(mk.time), my = y(mk.row);
    std::string title = "<title>" + escape(clock_time(mk.time) + " " + mk.text) + "</title>";
    switch (mk.kind) {
      case Kind::start:
        svg += "<circle cx=\"" + num(mx) + "\" cy=\"" + num(my - 6) + "\" r=\"3.5\" fill=\"#1a7f37\">" + title + "</circle>\n";
        break;
      case Kind::failed:
      case Kind::ended: {
        std::string colour = mk.kind == Kind::failed ? "#cf222e" : "#57606a";
        svg += "<path d=\"M" + num(mx - 4) + " " + num(my - 4) + "l8 8m0 -8l-8 8\" stroke=\"" + colour + "\" stroke-width=\"2.5\">" + title + "</path>\n";
        break;
      }
      case Kind::warning:
        svg += "<path d=\"M" + num(mx) + " " + num(my + 2) + "l5 9h-10z\" fill=\"#bf8700\">" + title + "</path>\n";
        break;
      case Kind::normal:
        svg += "<rect x=\"" + num(mx - 0.75) + "\" y=\"" + num(my + 3) + "\" width=\"1.5\" height=\"9\" fill=\"#8c959f\">" + title + "</rect>\n";
        break;
    }
  }
  svg += "</svg>\n";
  return svg;
}

} // namespace dind::report
