#pragma once
#include "cluster/config.hpp"
#include "cluster/provider.hpp"

#include <istream>
#include <string>
#include <vector>

namespace dind::report {

// A split dump on disk for the report: a directory given by the user, or a
// private temporary one (a dump split out of a log, or collected from a live
// cluster) that is removed with this object. Used under
// util::interrupt::Armed, a signal unwinds here too, so it is removed then.
class DumpDir {
public:
  static DumpDir existing(const std::string& dir);
  // The last dump in a CI log: dump64 blobs when the log has any, else text dumps.
  static DumpDir from_log(std::istream& in);
  static DumpDir from_cluster(cluster::Provider& provider, const cluster::Config& config, bool redact_secrets);
  DumpDir(DumpDir&& other) noexcept;
  DumpDir(const DumpDir&) = delete;
  DumpDir& operator=(const DumpDir&) = delete;
  ~DumpDir();

  const std::string& path() const { return path_; }
  bool temporary() const { return !temp_root_.empty(); }
  // Where a JUnit file may sit next to the dump: the directory holding it, or
  // the working directory for a live cluster (kubectl dind e2e's e2e-results/).
  const std::string& beside() const { return beside_; }
  std::vector<std::string> problems;  // what splitting reported (truncated, checksum)

private:
  DumpDir() = default;
  static DumpDir temp();
  void split_from(std::istream& in, bool base64);
  std::string path_, temp_root_, beside_;
};

struct ReportResult {
  std::string out;  // the page's path, "-" for stdout
  std::string verdict;
  bool healthy = false;
};

// Renders the dump into out ("-": stdout); source names it in the page's header.
ReportResult write_report(const DumpDir& dump, const std::string& out, const std::string& source);

} // namespace dind::report
