#include "snapshot/store.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

namespace dind::snapshot {

namespace fs = std::filesystem;

namespace {

// zstd level 3: a snapshot is written while the user waits, and restoring
// (decompression) is what must be fast; higher levels cost far more time than
// the space they save on these trees.
constexpr int zstd_level = 3;
constexpr size_t chunk = 1 << 16;
const std::string export_prefix = "dind-snapshot/";

std::FILE* open_file(const std::string& path, const char* mode) {
  std::FILE* f = std::fopen(path.c_str(), mode);
  if (!f) throw Error("cannot open " + path + ": " + std::strerror(errno));
  return f;
}

void write_all(std::FILE* f, std::string_view data, const std::string& path) {
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
    throw Error("cannot write " + path + ": " + std::strerror(errno));
  }
}

void close_written(std::FILE*& f, const std::string& path) {
  bool ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  int e = errno;
  ok = std::fclose(f) == 0 && ok;
  f = nullptr;
  if (!ok) throw Error("cannot write " + path + ": " + std::strerror(e));
}

} // namespace

Store::Store(std::string dir) : dir_(std::move(dir)) {}

std::string Store::default_dir() { return util::cache_dir() + "/snapshots"; }

std::string Store::blob_path(const std::string& blob) const { return dir_ + "/blobs/" + blob; }
std::string Store::manifest_path(const std::string& name) const { return dir_ + "/" + name + ".json"; }

std::string Store::temp_path() const {
  static std::atomic<unsigned> serial{0};
  fs::create_directories(dir_ + "/blobs");
  return dir_ + "/blobs/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
}

std::unique_ptr<util::FileLock> Store::lock(const std::function<void(const std::string&)>& on_wait) const {
  return std::make_unique<util::FileLock>(dir_ + "/.lock", "snapshot store", true, on_wait);
}

std::vector<Manifest> Store::list() const {
  std::vector<Manifest> out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".json" || !e.is_regular_file()) continue;
    try {
      out.push_back(Manifest::parse(util::read_file(e.path().string()), e.path().string()));
    } catch (const Error& err) {
      log::debug("skipping {}", err.what());
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

std::optional<Manifest> Store::find(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  std::string path = manifest_path(name);
  if (!fs::exists(path)) return std::nullopt;
  return Manifest::parse(util::read_file(path), "snapshot " + name);
}

Manifest Store::get(const std::string& name) const {
  if (!valid_name(name)) throw UsageError("snapshot name '" + name + "': use a-z, 0-9, '.', '_', '-' (at most 63)");
  auto m = find(name);
  if (!m) throw Error("no snapshot " + name + " in " + dir_ + " (`kubectl dind snapshot ls`)");
  return *m;
}

std::optional<Manifest> Store::match(const std::string& image_id, const std::string& plan) const {
  std::optional<Manifest> best;
  for (auto& m : list()) {
    if (m.image_id != image_id || m.plan != plan) continue;
    if (!best || m.created > best->created) best = m;
  }
  return best;
}

void Store::save(const Manifest& m) const {
  check_blobs(m);
  fs::create_directories(dir_);
  util::write_file(manifest_path(m.name), m.to_json());
}

void Store::check_blobs(const Manifest& m) const {
  for (auto& node : m.nodes) {
    for (auto& l : node.layers) {
      std::error_code ec;
      auto size = fs::file_size(blob_path(l.blob), ec);
      if (ec) throw Error("snapshot " + m.name + " is incomplete: blob " + l.blob.substr(0, 12) + " is missing");
      if (size != l.stored) {
        throw Error("snapshot " + m.name + " is corrupt: blob " + l.blob.substr(0, 12) + " has " + std::to_string(size) +
                    " bytes, not " + std::to_string(l.stored));
      }
    }
  }
}

void Store::remove(const std::string& name) const {
  get(name);
  fs::remove(manifest_path(name));
  gc();
}

uint64_t Store::gc() const {
  std::set<std::string> used;
  for (auto& m : list()) for (auto& b : m.blobs()) used.insert(b);
  uint64_t freed = 0;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir_ + "/blobs", ec)) {
    if (used.count(e.path().filename().string())) continue;
    std::error_code size_ec;
    auto size = e.file_size(size_ec);
    if (fs::remove(e.path(), size_ec) && !size_ec) freed += size;
  }
  return freed;
}

// ---- writing a blob

Store::BlobWriter::BlobWriter(const Store& store)
    : store_(store), tmp_(store.temp_path()), file_(open_file(tmp_, "wbx")),
      zstd_(dump::Codec::zstd, [this](std::string_view data) {
        hash_.add_raw(data);
        stored_ += data.size();
        write_all(file_, data, tmp_);
      }, zstd_level) {}

Store::BlobWriter::~BlobWriter() {
  if (file_) std::fclose(file_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void Store::BlobWriter::write(std::string_view tar_bytes) {
  size_ += tar_bytes.size();
  zstd_.write(tar_bytes);
}

Layer Store::BlobWriter::finish(const std::string& path) {
  zstd_.finish();
  close_written(file_, tmp_);
  Layer l;
  l.path = path;
  l.blob = hash_.hex();
  l.size = size_;
  l.stored = stored_;
  // the same bytes under the same name: an existing copy is as good
  if (std::rename(tmp_.c_str(), store_.blob_path(l.blob).c_str()) != 0) {
    throw Error("cannot store blob " + l.blob + ": " + std::strerror(errno));
  }
  tmp_.clear();
  return l;
}

// ---- reading a blob

Store::BlobStream::BlobStream(const Store& store, const Layer& layer)
    : layer_(layer), file_(open_file(store.blob_path(layer.blob), "rb")),
      zstd_(std::make_unique<dump::Decompressor>([this](std::string_view data) { out_.append(data); })) {}

Store::BlobStream::~BlobStream() {
  if (file_) std::fclose(file_);
}

void Store::BlobStream::fill() {
  std::vector<char> buf(chunk);
  while (out_.empty() && !at_end_ && error_.empty()) {
    size_t n = std::fread(buf.data(), 1, buf.size(), file_);
    try {
      if (n > 0) {
        hash_.add_raw(std::string_view(buf.data(), n));
        zstd_->write(std::string_view(buf.data(), n));
      } else {
        at_end_ = true;
        zstd_->finish();
        if (hash_.hex() != layer_.blob) error_ = "its content does not match its name";
      }
    } catch (const Error& e) {
      error_ = e.what();
    }
  }
}

std::streambuf::int_type Store::BlobStream::underflow() {
  if (given_ >= layer_.size) return traits_type::eof();
  out_.erase(0, static_cast<size_t>(gptr() - eback()));
  setg(nullptr, nullptr, nullptr);
  if (out_.empty()) fill();
  if (given_ + out_.size() > layer_.size && error_.empty()) error_ = "it is longer than its manifest says";
  if (out_.empty() || !error_.empty()) {
    // the engine waits for every byte promised: end the tar with zeros
    if (error_.empty()) error_ = "it is shorter than its manifest says";
    out_.assign(std::min<uint64_t>(layer_.size - given_, chunk), '\0');
  }
  size_t n = static_cast<size_t>(std::min<uint64_t>(out_.size(), layer_.size - given_));
  out_.resize(n);
  given_ += n;
  setg(out_.data(), out_.data(), out_.data() + n);
  return traits_type::to_int_type(out_[0]);
}

void Store::BlobStream::check() const {
  if (!error_.empty()) throw Error("snapshot blob " + layer_.blob.substr(0, 12) + " (" + layer_.path + ") is corrupt: " + error_);
}

// ---- one file for CI caches

void Store::export_to(const Manifest& m, const std::string& file) const {
  check_blobs(m);
  std::string tmp = file + ".tmp-" + std::to_string(::getpid());
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + file + ": " + std::strerror(errno));
    util::tar::Writer w(out);
    // the manifest first: a reader knows what to expect before any blob
    w.add_data(export_prefix + "manifest.json", m.to_json());
    for (auto& b : m.blobs()) {
      util::interrupt::check();
      w.add_file(export_prefix + "blobs/" + b, blob_path(b), 0644);
    }
    w.finish();
    out.close();
    if (!out) throw Error("cannot write " + file + ": " + std::strerror(errno));
    if (std::rename(tmp.c_str(), file.c_str()) != 0) throw Error("cannot write " + file + ": " + std::strerror(errno));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

Manifest Store::import_from(const std::string& file, const std::function<void(const Manifest&)>& accept) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read " + file + ": " + std::strerror(errno));
  std::string what = file + " is not a dind snapshot file";
  try {
    util::tar::Reader r(in);
    util::tar::Entry e;
    uint64_t size = 0;
    if (!r.next(e, size) || e.name != export_prefix + "manifest.json" || size > (1 << 20)) throw Error(what);
    std::string text;
    r.data([&](std::string_view d) { text.append(d); });
    Manifest m = Manifest::parse(text, file);
    if (accept) accept(m);
    auto wanted = m.blobs();
    std::set<std::string> got;
    while (r.next(e, size)) {
      util::interrupt::check();
      std::string blob = e.name.substr(std::min(e.name.size(), (export_prefix + "blobs/").size()));
      if (e.name != export_prefix + "blobs/" + blob || std::find(wanted.begin(), wanted.end(), blob) == wanted.end()) {
        throw Error(file + ": unexpected entry " + e.name);
      }
      std::string tmp = temp_path();
      std::FILE* f = open_file(tmp, "wbx");
      util::Hasher h;
      try {
        r.data([&](std::string_view d) {
          h.add_raw(d);
          write_all(f, d, tmp);
        });
        close_written(f, tmp);
        if (h.hex() != blob) throw Error(file + " is corrupt: blob " + blob.substr(0, 12) + " does not match its name");
        if (std::rename(tmp.c_str(), blob_path(blob).c_str()) != 0) throw Error("cannot store blob " + blob + ": " + std::strerror(errno));
      } catch (...) {
        if (f) std::fclose(f);
        ::unlink(tmp.c_str());
        throw;
      }
      got.insert(blob);
    }
    for (auto& b : wanted) {
      if (!got.count(b)) throw Error(file + " is incomplete: blob " + b.substr(0, 12) + " is missing");
    }
    save(m);
    return m;
  } catch (const util::interrupt::Interrupted&) {
    util::interrupt::Cleanup cleaning;
    gc();
    throw;
  } catch (const Error& e) {
    gc();  // blobs of this file that no manifest uses
    std::string msg = e.what();
    if (util::starts_with(msg, "tar: ")) throw Error(file + " is truncated or corrupt (" + msg + ")");
    throw;
  }
}

} // namespace dind::snapshot
