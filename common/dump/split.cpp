#include "dump/split.hpp"

#include "dump/base64.hpp"
#include "dump/blob.hpp"
#include "dump/codec.hpp"
#include "dump/text.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
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

namespace {

// Removes escape sequences (ESC [ ... letter) and CRs at the start of a line,
// as CI systems put them there ("\e[0K", "\r").
std::string strip_leading_controls(std::string_view line) {
  size_t i = 0;
  for (;;) {
    if (i < line.size() && line[i] == '\r') {
      ++i;
    } else if (i + 1 < line.size() && line[i] == '\x1b' && line[i + 1] == '[') {
      i += 2;
      while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
      if (i < line.size()) ++i;
    } else {
      break;
    }
  }
  return std::string(line.substr(i));
}

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

// One dump being written out.
class DumpOut {
public:
  DumpOut(DumpResult& r) : r_(r), reader_({[this](const std::string& n) { open(n); }, [this](std::string_view d) { out_.write(d.data(), static_cast<std::streamsize>(d.size())); },
                                        [this] { out_.close(); }}) {
    fs::create_directories(r_.dir);
  }
  // Dump text, in any chunks.
  void text(std::string_view data) {
    hash_.add_raw(data);
    r_.bytes += data.size();
    for (char c : data) {
      if (c != '\n') {
        line_ += c;
        continue;
      }
      reader_.line(line_);
      line_.clear();
    }
  }
  // One already split line of a text dump (its "\n" is implied).
  void line(const std::string& l) {
    hash_.add_raw(l);
    hash_.add_raw("\n");
    r_.bytes += l.size() + 1;
    reader_.line(l);
  }
  void finish() {
    if (!line_.empty()) reader_.line(line_);
    line_.clear();
    reader_.finish();
    r_.files = reader_.files();
  }
  void verify(const std::string& summary) {
    std::string files = field(summary, "files"), bytes = field(summary, "bytes"), sha = field(summary, "sha256");
    std::string have_sha = hash_.hex();
    if (sha.empty()) {
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
  void open(const std::string& name) {
    out_.close();
    std::string rel = safe_name(name, reader_.files());
    fs::path p = fs::path(r_.dir) / rel;
    fs::create_directories(p.parent_path());
    out_.open(p, std::ios::binary | std::ios::trunc);
    if (!out_) r_.errors.push_back("cannot write " + p.string());
  }
  DumpResult& r_;
  TextReader reader_;
  std::ofstream out_;
  util::Hasher hash_;
  std::string line_;
};

struct Blob {
  explicit Blob(DumpResult& r)
    : sink(r), decompressor([this](std::string_view d) { sink.text(d); }), decoder([this](std::string_view d) { decompressor.write(d); }) {}
  DumpOut sink;
  Decompressor decompressor;
  Base64Decoder decoder;
  bool failed = false;
};

} // namespace

std::vector<DumpResult> split(std::istream& in, const SplitOptions& options) {
  std::vector<DumpResult> results;
  fs::create_directories(options.out_dir);
  std::unique_ptr<Blob> blob;
  std::unique_ptr<DumpOut> text;
  std::string prefix;
  bool awaiting_trailer = false;
  int seen = 0;

  auto begin = [&]() -> DumpResult* {
    ++seen;
    if (options.index && seen != options.index) return nullptr;
    DumpResult r;
    r.index = seen;
    r.dir = options.out_dir + "/.dump-" + std::to_string(seen);
    fs::remove_all(r.dir);
    results.push_back(r);
    return &results.back();
  };
  auto end_blob = [&] {
    try {
      blob->decoder.finish();
      blob->decompressor.finish();
    } catch (const Error& e) {
      if (!blob->failed) results.back().errors.push_back(e.what());
    }
    results.back().codec = blob->decompressor.codec();
    blob->sink.finish();
  };

  std::string raw;
  bool crlf = false;  // a text dump's log uses CRLF: content CRs stay
  while (std::getline(in, raw)) {
    bool had_cr = !raw.empty() && raw.back() == '\r';
    if (had_cr && (options.base64 || !text || crlf)) raw.pop_back();
    std::string line = strip_leading_controls(raw);
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
          if (auto* r = begin()) blob = std::make_unique<Blob>(*r);
        }
        continue;
      }
      if (line.find(end_marker) != std::string::npos) {
        end_blob();
        awaiting_trailer = true;
        continue;
      }
      if (blob->failed) continue;
      try {
        blob->decoder.write(payload(line));
      } catch (const Error& e) {
        blob->failed = true;
        results.back().errors.push_back(e.what());
      }
      continue;
    }
    // text dumps: from a header (or a first marker) to the end line
    size_t h = line.find("*** Dumping cluster state");
    std::string name;
    if (h != std::string::npos || (!text && line.find("@@@ ") != std::string::npos &&
                                   parse_marker(line.substr(line.find("@@@ ")), name))) {
      if (text) text->finish(), text.reset();
      size_t at = h != std::string::npos ? h : line.find("@@@ ");
      prefix = line.substr(0, at);
      crlf = had_cr;
      if (crlf && !line.empty() && line.back() == '\r') line.pop_back();
      if (auto* r = begin()) {
        text = std::make_unique<DumpOut>(*r);
        text->line(line.substr(at));
      }
      continue;
    }
    if (!text) continue;
    std::string_view body = line;
    if (!prefix.empty() && same_shape(body, prefix)) body.remove_prefix(prefix.size());
    if (util::starts_with(body, text_end_prefix)) {
      text->finish();
      std::string summary(body);
      auto open = summary.find('('), close = summary.rfind(')');
      text->verify(open != std::string::npos && close > open ? " " + summary.substr(open + 1, close - open - 1) : "");
      text.reset();
      continue;
    }
    text->line(std::string(body));
  }
  if (blob) {
    if (!awaiting_trailer) {
      end_blob();
      results.back().errors.push_back("the blob is truncated: no end marker");
    }
    blob->sink.verify("");
    if (results.back().errors.empty() && results.back().verified.empty()) results.back().verified = "no checksum";
  }
  if (text) {
    text->finish();
    text->verify("");
  }
  // one dump: its files straight into out_dir, like the seed; several: dump-N/
  for (auto& r : results) {
    std::string final_dir = results.size() == 1 ? options.out_dir : options.out_dir + "/dump-" + std::to_string(r.index);
    if (results.size() == 1) {
      for (auto& e : fs::directory_iterator(r.dir)) {
        fs::path target = fs::path(options.out_dir) / e.path().filename();
        fs::remove_all(target);
        fs::rename(e.path(), target);
      }
      fs::remove_all(r.dir);
    } else {
      fs::remove_all(final_dir);
      fs::rename(r.dir, final_dir);
    }
    r.dir = final_dir;
  }
  return results;
}

} // namespace dind::dump
