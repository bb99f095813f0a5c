#include "report/html.hpp"

#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace dind;

namespace {

std::string page() {
  auto m = report::load(test::write_dump("html", test::dump_files()), "");
  report::RenderOptions o;
  o.source = "dump <test>";
  return report::render(m, o);
}

} // namespace

TEST_CASE("html escape") {
  CHECK(report::escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(report::escape("plain") == "plain");
}

TEST_CASE("html: a pod named <script> is shown escaped, never as markup") {
  auto html = page();
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("dump &lt;test&gt;") != std::string::npos);
  // the log line's markup too
  CHECK(html.find("fatal: &lt;b&gt;no config&lt;/b&gt;") != std::string::npos);
}

TEST_CASE("html: self-contained, sections in the issue's order") {
  auto html = page();
  for (auto* remote : {"<link", "src=", "@import", "url("}) CHECK(html.find(remote) == std::string::npos);
  size_t last = 0;
  for (auto* id : {"id=\"verdict\"", "id=\"nodes\"", "id=\"pods\"", "id=\"timeline\"", "id=\"troubled\"", "id=\"files\""}) {
    size_t at = html.find(id);
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  CHECK(html.find("class=\"verdict unhealthy\"") != std::string::npos);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("CrashLoopBackOff") != std::string::npos);
  CHECK(html.find("Back-off restarting failed container c") != std::string::npos);
}

TEST_CASE("html: every anchor link has its target") {
  auto html = page();
  std::set<std::string> ids, hrefs;
  std::regex id_re("id=\"([^\"]+)\""), href_re("href=\"#([^\"]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator(); ++it) ids.insert((*it)[1]);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href_re); it != std::sregex_iterator(); ++it) hrefs.insert((*it)[1]);
  CHECK(hrefs.size() >= 8);
  for (auto& h : hrefs) {
    INFO(h);
    CHECK(ids.count(h));
  }
  // the troubled pod links to its folded details, which link its logs
  auto pod = report::Pod{};
  pod.ns = "default";
  pod.name = test::crasher;
  CHECK(hrefs.count(report::pod_anchor(pod)));
  CHECK(hrefs.count(report::file_anchor("pods/default/" + test::crasher + "/c.previous.log")));
  CHECK(hrefs.count(report::file_anchor("nodes/kube-master/kubelet.journal")) == 0);  // not in the dump: no link
}

TEST_CASE("html: anchors are unique per file name") {
  CHECK(report::file_anchor("a/b") != report::file_anchor("a-b"));
  CHECK(report::file_anchor("a/b") != report::file_anchor("a_b"));
  CHECK(std::regex_match(report::file_anchor("pods/x/<y>.log"), std::regex("[A-Za-z0-9_-]+")));
}

TEST_CASE("html: a kept dump's files are linked by relative, encoded URLs") {
  auto m = report::load(test::write_dump("links", test::dump_files()), "");
  report::RenderOptions o;
  o.raw_href = "../cluster dump";
  auto html = report::render(m, o);
  CHECK(html.find("href=\"../cluster%20dump/pods/default/%3Cscript%3Ealert%281%29%3C/script%3E/c.log\"") != std::string::npos);
  CHECK(report::render(m, {}).find("href=\"../") == std::string::npos);  // a temporary dump: no links out
}
