#include "report/source.hpp"

#include "dump/blob.hpp"
#include "dump/collect.hpp"
#include "dump/split.hpp"
#include "report/html.hpp"
#include "report/model.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

namespace dind::report {

namespace fs = std::filesystem;

DumpDir DumpDir::existing(const std::string& dir) {
  if (!fs::is_directory(dir)) throw UsageError(dir + ": not a directory (give a split dump, or a log on stdin)");
  DumpDir d;
  d.path_ = dir;
  fs::path abs = fs::absolute(dir).lexically_normal();
  if (!abs.has_filename()) abs = abs.parent_path();  // "dump/"
  d.beside_ = abs.parent_path().string();
  return d;
}

DumpDir DumpDir::temp() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/dind-report-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw Error("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  DumpDir d;
  d.temp_root_ = tmpl;
  d.path_ = tmpl + "/dump";
  return d;
}

DumpDir::DumpDir(DumpDir&& other) noexcept
  : problems(std::move(other.problems)), path_(std::move(other.path_)), temp_root_(std::move(other.temp_root_)),
    beside_(std::move(other.beside_)) {
  other.temp_root_.clear();
}

DumpDir::~DumpDir() {
  if (temp_root_.empty()) return;
  std::error_code ec;
  fs::remove_all(temp_root_, ec);
}

void DumpDir::split_from(std::istream& in, bool base64) {
  dump::SplitOptions o;
  o.out_dir = path_;
  o.base64 = base64;
  auto results = dump::split(in, o);
  if (results.empty()) throw Error(std::string("no ") + (base64 ? "dump64 blob" : "dump") + " found on stdin");
  for (auto& e : results.back().errors) problems.push_back(e);
  path_ = results.back().dir;
  util::interrupt::check();  // a signal during the split: the destructor removes the directory
}

namespace {

// Reads a string in place: a 50 MB log is not copied again.
struct StringBuf : std::streambuf {
  explicit StringBuf(std::string& s) { setg(s.data(), s.data(), s.data() + s.size()); }
};

} // namespace

DumpDir DumpDir::from_log(std::istream& in) {
  // in blocks: std::cin's streambuf (synced with stdio) copies a char at a time otherwise
  std::string log;
  std::vector<char> block(1 << 16);
  while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    log.append(block.data(), static_cast<size_t>(in.gcount()));
  }
  DumpDir d = temp();
  StringBuf buf(log);
  std::istream s(&buf);
  d.split_from(s, log.find(dump::start_marker) != std::string::npos);
  return d;
}

DumpDir DumpDir::from_cluster(cluster::Provider& provider, const cluster::Config& config, bool redact_secrets) {
  std::stringstream text;
  {
    dump::DumpWriter w(text, false, dump::Codec::zstd);
    dump::collect(provider, config, w, redact_secrets);
    w.finish();
  }
  DumpDir d = temp();
  d.split_from(text, false);
  d.beside_ = fs::current_path().string();
  return d;
}

ReportResult write_report(const DumpDir& dump, const std::string& out, const std::string& source) {
  auto model = load(dump.path(), dump.beside());
  for (auto& p : dump.problems) model.problems.push_back(p);
  RenderOptions o;
  o.source = source;
  if (!dump.temporary() && out != "-") {
    o.raw_href = fs::relative(fs::absolute(dump.path()), fs::absolute(out).parent_path()).string();
  }
  std::string page = render(model, o);
  if (out == "-") {
    std::fwrite(page.data(), 1, page.size(), stdout);
  } else {
    util::write_file(out, page);
  }
  auto v = verdict(model);
  return {out, v.why, v.level == Verdict::healthy};
}

} // namespace dind::report
