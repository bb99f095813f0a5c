#include "dump/split.hpp"

#include "dump/base64.hpp"
#include "dump/blob.hpp"
#include "dump/codec.hpp"
#include "dump/logscan.hpp"
#include "dump/outdir.hpp"
#include "dump/text.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <deque>
#include <filesystem>
#include <memory>

namespace dind::dump {

namespace fs = std::filesystem;

std::string safe_name(const std::string& name, uint64_t n) {
  std::vector<std::string> parts;
  for (auto& p : util::split(name, '/')) {
    if (p == "." || p == "..") continue;
    std::string clean;
    for (char c : p) clean += (c == '\0' || c == '\\') ? '_' : c;
    parts.push_back(clean);
  }
  return parts.empty() ? "unnamed-" + std::to_string(n) : util::join(parts, "/");
}

std::string default_out_dir() { return free_dir_name("cluster-dump"); }

namespace {

bool base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='; }

// The payload of a blob line: the trailing run of base64 characters (the
// prefix a CI system adds ends in a space, tab or bracket), at most 100.
std::string_view payload(std::string_view line) {
  size_t i = line.size();
  while (i > 0 && base64_char(line[i - 1])) --i;
  std::string_view p = line.substr(i);
  if (p.size() > 100) p.remove_prefix(p.size() - 100);
  return p;
}

// Same shape: what a timestamp prefix looks like on the next line.
bool same_shape(std::string_view line, const std::string& prefix) {
  if (line.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = prefix[i], b = line[i];
    if (std::isdigit(static_cast<unsigned char>(a)) ? !std::isdigit(static_cast<unsigned char>(b)) : a != b) return false;
  }
  return true;
}

std::string field(const std::string& line, const std::string& key) {
  auto p = line.find(" " + key + "=");
  if (p == std::string::npos) return "";
  auto e = line.find(' ', p + key.size() + 2);
  return line.substr(p + key.size() + 2, e == std::string::npos ? std::string::npos : e - p - key.size() - 2);
}

// What one run may write, all dumps together.
struct Budget {
  const SplitOptions& o;
  uint64_t bytes = 0, files = 0;
  bool exceeded = false;
};

// One dump being written out into its own fresh directory.
class DumpOut {
public:
  DumpOut(DumpResult& r, Budget& budget)
    : r_(r), budget_(budget),
      reader_({[this](const std::string& n) { open(n); }, [this](std::string_view d) { out_->write(d); }, [this] { out_->close(); }}) {}
  // Dump text, in any chunks (decompressed); throws past a bound.
  void text(std::string_view data) {
    if (failed_) return;
    count(data.size());
    hash_.add_raw(data);
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view part = data.substr(0, nl);
      if (line_.size() + part.size() > budget_.o.max_line) throw limit("a line of the dump is longer than " + std::to_string(budget_.o.max_line) + " bytes (--max-line)");
      line_.append(part);
      if (nl == std::string_view::npos) break;
      reader_.line(line_);
      line_.clear();
      data.remove_prefix(nl + 1);
    }
  }
  // One already split line of a text dump (its "\n" is implied).
  void line(std::string_view l) {
    if (failed_) return;
    try {
      count(l.size() + 1);
      hash_.add_raw(l);
      hash_.add_raw("\n");
      reader_.line(l);
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  // Stops this dump: what came before stays, the file being written is partial.
  void fail(const std::string& why) {
    if (failed_) return;
    failed_ = true;
    r_.errors.push_back(why);
    r_.partial = current_;
  }
  bool failed() const { return failed_; }
  bool ours() const { return reader_.ours(); }
  void finish() {
    try {
      if (!line_.empty() && !failed_) reader_.line(line_);
      line_.clear();
      reader_.finish();
    } catch (const Error& e) {
      fail(e.what());
    }
    r_.files = reader_.files();
  }
  void verify(const std::string& summary) {
    std::string files = field(summary, "files"), bytes = field(summary, "bytes"), sha = field(summary, "sha256");
    std::string have_sha = hash_.hex();
    if (sha.empty() || failed_) {
      r_.verified = r_.errors.empty() ? "no checksum (old format)" : "not verified";
    } else if (sha == have_sha && bytes == std::to_string(r_.bytes) && files == std::to_string(r_.files)) {
      r_.verified = "sha256 ok";
    } else {
      r_.verified = "checksum mismatch";
      r_.errors.push_back("checksum mismatch: expected " + files + " files, " + bytes + " bytes, sha256 " + sha.substr(0, 12) +
                          "; got " + std::to_string(r_.files) + " files, " + std::to_string(r_.bytes) + " bytes, sha256 " +
                          have_sha.substr(0, 12));
    }
  }

private:
  Error limit(const std::string& what) {
    budget_.exceeded = true;
    return Error(what);
  }
  void count(uint64_t n) {
    r_.bytes += n;
    budget_.bytes += n;
    if (budget_.bytes > budget_.o.max_bytes) throw limit("more than " + std::to_string(budget_.o.max_bytes) + " bytes of output (--max-bytes)");
  }
  void open(const std::string& name) {
    if (out_) out_->close();
    if (++budget_.files > budget_.o.max_files) throw limit("more than " + std::to_string(budget_.o.max_files) + " files (--max-files)");
    out_ = std::make_unique<OutFile>(r_.dir, safe_name(name, reader_.files()));
    current_ = out_->rel();
    if (!out_->conflict().empty()) r_.errors.push_back(out_->conflict());
  }
  DumpResult& r_;
  Budget& budget_;
  TextReader reader_;
  std::unique_ptr<OutFile> out_;
  std::string current_;
  util::Hasher hash_;
  std::string line_;
  bool failed_ = false;
};

struct Blob {
  Blob(DumpResult& r, Budget& budget)
    : sink(r, budget), decompressor([this](std::string_view d) { sink.text(d); }, budget.o.xz_memlimit),
      decoder([this](std::string_view d) { decompressor.write(d); }) {}
  DumpOut sink;
  Decompressor decompressor;
  Base64Decoder decoder;
};

} // namespace

std::vector<DumpResult> split(std::istream& in, const SplitOptions& options) {
  std::deque<DumpResult> results;  // stable references for the writers
  Budget budget{options};
  std::unique_ptr<Blob> blob;
  std::unique_ptr<DumpOut> text;
  std::string prefix;
  bool awaiting_trailer = false;
  int seen = 0;

  // Each dump goes to a fresh, visible out_dir/dump-N first; one alone moves
  // up into out_dir at the end.
  auto begin = [&]() -> DumpResult* {
    ++seen;
    if (options.index && seen != options.index) return nullptr;
    fs::create_directories(options.out_dir);
    DumpResult r;
    r.index = seen;
    r.dir = free_dir_name(options.out_dir + "/dump-" + std::to_string(seen));
    fs::create_directory(r.dir);
    results.push_back(r);
    return &results.back();
  };
  auto end_blob = [&] {
    try {
      blob->decoder.finish();
      blob->decompressor.finish();
    } catch (const Error& e) {
      blob->sink.fail(e.what());
    }
    if (results.back().codec.empty()) results.back().codec = blob->decompressor.codec();
    blob->sink.finish();
  };
  auto end_text = [&](const std::string& summary, bool seen_end) {
    text->finish();
    if (!seen_end && text->ours()) text->fail("the dump is truncated: no end line");
    text->verify(summary);
    text.reset();
  };

  LineReader lines(in, options.max_line);
  std::string raw;
  bool too_long = false;
  bool crlf = false;  // a text dump's log uses CRLF: content CRs stay
  bool ansi = false;  // ... or escape sequences past the start: content loses them too
  while (!budget.exceeded && lines.next(raw, too_long)) {
    if (too_long) {
      std::string why = "line " + std::to_string(lines.line_number()) + " is longer than " + std::to_string(options.max_line) + " bytes (--max-line)";
      if (blob && !awaiting_trailer) blob->sink.fail(why);
      if (text) text->fail(why);
      continue;  // outside a dump it is not ours: skipped
    }
    bool had_cr = !raw.empty() && raw.back() == '\r';
    if (had_cr && (options.base64 || !text || crlf)) raw.pop_back();
    std::string line = strip_escapes(raw);
    if (options.base64) {
      if (awaiting_trailer) {
        awaiting_trailer = false;
        if (auto p = line.find(trailer_prefix); p != std::string::npos) {
          results.back().codec = field(line, "codec").empty() ? results.back().codec : field(line, "codec");
          blob->sink.verify(line.substr(p));
          blob.reset();
          continue;
        }
        blob->sink.verify("");
        blob.reset();
      }
      if (!blob) {
        if (line.find(start_marker) != std::string::npos) {
          if (auto* r = begin()) blob = std::make_unique<Blob>(*r, budget);
        }
        continue;
      }
      if (line.find(end_marker) != std::string::npos) {
        end_blob();
        awaiting_trailer = true;
        continue;
      }
      if (blob->sink.failed()) continue;
      try {
        blob->decoder.write(payload(line));
      } catch (const Error& e) {
        blob->sink.fail(e.what());
      }
      continue;
    }
    // text dumps: from a header (or a first marker) to the end line
    size_t h = line.find("*** Dumping cluster state");
    std::string name;
    if (h != std::string::npos || (!text && line.find("@@@ ") != std::string::npos &&
                                   parse_marker(line.substr(line.find("@@@ ")), name))) {
      if (text) end_text("", false);
      size_t at = h != std::string::npos ? h : line.find("@@@ ");
      prefix = line.substr(0, at);
      crlf = had_cr;
      ansi = strip_leading_escapes(raw).find('\x1b') != std::string::npos;
      if (auto* r = begin()) {
        text = std::make_unique<DumpOut>(*r, budget);
        text->line(std::string_view(line).substr(at));
      }
      continue;
    }
    if (!text) continue;
    std::string_view marker_body = line;
    if (!prefix.empty() && same_shape(marker_body, prefix)) marker_body.remove_prefix(prefix.size());
    if (util::starts_with(marker_body, text_end_prefix)) {
      std::string summary(marker_body);
      auto open = summary.find('('), close = summary.rfind(')');
      end_text(open != std::string::npos && close > open ? " " + summary.substr(open + 1, close - open - 1) : "", true);
      continue;
    }
    std::string content = ansi ? line : std::string(strip_leading_escapes(raw));
    std::string_view body = content;
    if (!prefix.empty() && same_shape(body, prefix)) body.remove_prefix(prefix.size());
    text->line(body);
  }
  if (blob) {
    if (!awaiting_trailer) {
      end_blob();
      blob->sink.fail("the blob is truncated: no end marker");
    }
    blob->sink.verify("");
    if (results.back().errors.empty() && results.back().verified.empty()) results.back().verified = "no checksum";
  }
  if (text) end_text("", false);
  // one dump: its files straight into out_dir, like the seed; several: dump-N/
  if (results.size() == 1) {
    auto& r = results.front();
    auto left = merge_into(r.dir, options.out_dir, options.force);
    if (left.empty()) {
      r.dir = options.out_dir;
    } else {
      r.errors.push_back(std::to_string(left.size()) + " file(s) exist in " + options.out_dir + " already: kept in " + r.dir +
                         " (first: " + left.front() + "); --force replaces existing files");
    }
  }
  return {results.begin(), results.end()};
}

} // namespace dind::dump
