#include "report/timeline.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

report::Model model() {
  report::Model m;
  m.nodes.push_back({});
  m.nodes[0].name = "kube-master";
  report::Pod p;
  p.ns = "default";
  p.name = "crash";
  p.node = "kube-master";
  report::Container c;
  c.name = "c";
  c.started = 1000;
  c.last = report::Termination{"Error", 1, 900, 950};
  p.containers.push_back(c);
  m.pods.push_back(p);
  m.events.push_back({960, "default", "Pod", "crash", "BackOff", "Warning", "Back-off <restarting>", "kube-master", 3});
  m.events.push_back({970, "", "Namespace", "x", "Created", "Normal", "", "", 1});
  return m;
}

} // namespace

TEST_CASE("timeline: starts, failures and events per node, with tooltips") {
  auto svg = report::timeline_svg(model());
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(count(svg, "<circle") == 2);                 // two starts
  CHECK(count(svg, "stroke=\"#cf222e\"") == 1);      // one failed end
  CHECK(count(svg, "fill=\"#bf8700\"") == 1);        // one Warning
  CHECK(count(svg, "fill=\"#8c959f\"") == 1);        // one Normal
  CHECK(svg.find(">kube-master</text>") != std::string::npos);
  CHECK(svg.find(">(cluster)</text>") != std::string::npos);  // events without a node
  CHECK(svg.find("Back-off &lt;restarting&gt;") != std::string::npos);
  CHECK(svg.find("default/crash c ended: Error (exit 1)") != std::string::npos);
}

TEST_CASE("timeline: bounded, Normal events go first; nothing timed, no SVG") {
  auto m = model();
  for (int i = 0; i < 100; ++i) m.events.push_back({2000 + i, "", "Pod", "p", "Pulled", "Normal", "", "kube-master", 1});
  auto svg = report::timeline_svg(m, 10);
  CHECK(count(svg, "<title>") == 10);
  CHECK(count(svg, "fill=\"#bf8700\"") == 1);  // the Warning stays
  CHECK(report::timeline_svg(report::Model{}).empty());
}
