// dind-dump: cluster state for CI logs, and back out of them.
#include "cluster/config.hpp"
#include "cluster/engines.hpp"
#include "docker/client.hpp"
#include "dump/blob.hpp"
#include "dump/collect.hpp"
#include "dump/split.hpp"
#include "report/source.hpp"
#include "util/cli.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <cstdio>
#include <iostream>
#include <unistd.h>

using namespace dind;

namespace {

struct Flags {
  std::string codec = "zstd";
  std::string out;  // default: dump::default_out_dir()
  dump::SplitOptions split;
  std::string dir;
  util::ClusterSelection selection;
  int index = 0;
  bool no_redact = false;
  bool as_json = false;
};

Flags flags;

int write_dump(bool base64, bool from_dir) {
  dump::DumpWriter w(std::cout, base64, dump::parse_codec(flags.codec));
  if (from_dir) {
    dump::add_directory(w, flags.dir);
  } else {
    auto config = cluster::load_config(flags.selection.vars, flags.selection.config_file);
    cluster::Engines engines(config);
    dump::collect(engines.provider(), config, w, !flags.no_redact);
  }
  w.finish();
  return 0;
}

int split(bool base64) {
  dump::SplitOptions o = flags.split;
  o.out_dir = flags.out.empty() ? dump::default_out_dir() : flags.out;
  o.base64 = base64;
  o.index = flags.index;
  auto results = dump::split(std::cin, o);
  if (results.empty()) throw Error(std::string("no ") + (base64 ? "%%% start-base64 %%% blob" : "dump") + " found on stdin");
  bool bad = false;
  json::Writer w(true);
  w.begin_array();
  for (auto& r : results) {
    bad = bad || !r.errors.empty();
    w.begin_object().kv("index", r.index).kv("dir", r.dir).kv("files", static_cast<int64_t>(r.files))
        .kv("bytes", static_cast<int64_t>(r.bytes)).kv("codec", r.codec).kv("verified", r.verified).kv("partial", r.partial).strings("errors", r.errors).end_object();
    if (!flags.as_json) {
      std::fprintf(stderr, "dump %d: %llu files, %llu bytes%s%s%s -> %s\n", r.index, static_cast<unsigned long long>(r.files),
                   static_cast<unsigned long long>(r.bytes), r.codec.empty() ? "" : (", " + r.codec).c_str(),
                   r.verified.empty() ? "" : (", " + r.verified).c_str(),
                   r.partial.empty() ? "" : (", partial: " + r.partial).c_str(), r.dir.c_str());
      for (auto& e : r.errors) std::fprintf(stderr, "dind-dump: dump %d: %s\n", r.index, e.c_str());
    }
  }
  w.end_array();
  if (flags.as_json) std::printf("%s\n", w.str().c_str());
  return bad ? 1 : 0;
}

// report: a split dump directory, or the last dump in a log on stdin, as one HTML page.
void add_report(CLI::App& app, util::Action& action) {
  static std::string dir, out = "report.html";
  auto* cmd = app.add_subcommand("report", "an HTML triage page from a split dump directory or a CI log on stdin");
  cmd->add_option("dir", dir, "a split dump directory (default: read a log with a dump or dump64 on stdin)");
  cmd->add_option("-o,--output", out, "the page (default report.html, - for stdout)");
  cmd->footer("Examples:\n  dind-dump report cluster-dump -o report.html\n  travis logs 123.4 | dind-dump report -o report.html");
  cmd->callback([&action] {
    action = [] {
      if (dir.empty() && ::isatty(0)) throw UsageError("report: give a split dump directory, or a log on stdin");
      util::interrupt::Armed armed;  // a signal unwinds: the temporary dump is removed
      auto dump = dir.empty() ? report::DumpDir::from_log(std::cin) : report::DumpDir::existing(dir);
      auto r = report::write_report(dump, out, dir.empty() ? "dump from stdin" : "dump " + dir);
      if (log::verbosity() != log::Verbosity::quiet) std::fprintf(stderr, "%s: %s\n", r.out.c_str(), r.verdict.c_str());
      return 0;
    };
  });
}

void cluster_flags(CLI::App* cmd) {
  flags.selection.add_to(cmd);
  cmd->add_flag("--no-redact", flags.no_redact, "keep Secret data and private keys (private logs only)");
}

} // namespace

int main(int argc, char** argv) {
  return util::tool_main("dind-dump", "Dump dind cluster state into CI logs and split it back out", argc, argv,
                         [](CLI::App& app, util::Action& action) {
    app.require_subcommand(0, 1);
    app.footer("Examples:\n  kubectl dind dump64 > state.txt\n  travis logs 123.4 | dind-dump split64\n"
               "  dind-dump pack64 ./some-dir | dind-dump split64 -o restored\n\n"
               "Exit codes: 0 ok, 1 failure (corrupt or truncated dump: what could be recovered is written), 2 usage.");
    auto* dump = app.add_subcommand("dump", "the cluster's state as text with @@@ file @@@ markers");
    auto* dump64 = app.add_subcommand("dump64", "the same, compressed, base64 between %%% markers");
    auto* pack = app.add_subcommand("pack", "a directory's files in the dump text format");
    auto* pack64 = app.add_subcommand("pack64", "a directory's files as a dump64 blob");
    auto* split_cmd = app.add_subcommand("split", "text dumps from any log on stdin into files");
    auto* split64 = app.add_subcommand("split64", "dump64 blobs from any log on stdin into files (zstd, xz, lzma)");
    for (auto* c : {dump, dump64}) cluster_flags(c);
    for (auto* c : {dump64, pack64}) c->add_option("--codec", flags.codec, "zstd (default), xz, or lzma (the seed's)");
    for (auto* c : {pack, pack64}) c->add_option("dir", flags.dir, "directory")->required()->check(CLI::ExistingDirectory);
    for (auto* c : {split_cmd, split64}) {
      c->add_option("-o,--output", flags.out, "output directory (default ./cluster-dump, or the first free ./cluster-dump-N)");
      c->add_flag("--force", flags.split.force, "replace existing files of the same name in the output directory");
      c->add_option("--max-bytes", flags.split.max_bytes, "refuse more output than this (default 1G)")->transform(CLI::AsSizeValue(false));
      c->add_option("--max-files", flags.split.max_files, "refuse more files than this (default 100000)");
      c->add_option("--max-line", flags.split.max_line, "refuse a longer line inside a dump (default 16M)")->transform(CLI::AsSizeValue(false));
      c->add_option("--xz-memlimit", flags.split.xz_memlimit, "xz/lzma decoder memory (default 256M)")->transform(CLI::AsSizeValue(false));
      c->add_option("--index", flags.index, "only the Nth dump in the log (1-based)")->check(CLI::PositiveNumber);
      c->add_flag("--json", flags.as_json, "print what was split as JSON");
    }
    dump->callback([&action] { action = [] { return write_dump(false, false); }; });
    dump64->callback([&action] { action = [] { return write_dump(true, false); }; });
    pack->callback([&action] { action = [] { return write_dump(false, true); }; });
    pack64->callback([&action] { action = [] { return write_dump(true, true); }; });
    split_cmd->callback([&action] { action = [] { return split(false); }; });
    split64->callback([&action] { action = [] { return split(true); }; });
    add_report(app, action);
  });
}
