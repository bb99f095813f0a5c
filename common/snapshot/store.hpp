#pragma once
#include "dump/codec.hpp"
#include "snapshot/manifest.hpp"
#include "util/hash.hpp"
#include "util/lock.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <vector>

namespace dind::snapshot {

// Snapshots on disk: <dir>/<name>.json manifests and <dir>/blobs/<sha256>,
// each blob a zstd-compressed tar named by the hash of its stored bytes, so a
// tree saved twice (or by two snapshots) is kept once. A manifest is written
// (temp + rename) only after all its blobs are in place: a snapshot cut short
// (signal, full disk) has no manifest and is never used; gc() removes what it
// left. Everything that writes or removes holds lock().
class Store {
public:
  explicit Store(std::string dir);
  static std::string default_dir();  // ~/.cache/dind/snapshots
  const std::string& dir() const { return dir_; }

  // Held by snapshot, restore, rm and import: gc never removes a blob in use.
  std::unique_ptr<util::FileLock> lock(const std::function<void(const std::string&)>& on_wait = {}) const;

  std::vector<Manifest> list() const;  // by name; unreadable manifests are named on stderr (-v) and skipped
  std::optional<Manifest> find(const std::string& name) const;
  Manifest get(const std::string& name) const;  // throws "no snapshot NAME"
  // The newest snapshot restorable as this image and plan.
  std::optional<Manifest> match(const std::string& image_id, const std::string& plan) const;
  void save(const Manifest& m) const;
  // Every blob of m present at its stored size (cheap; contents are checked while read).
  void check_blobs(const Manifest& m) const;
  void remove(const std::string& name) const;  // the manifest, then gc()
  uint64_t gc() const;  // blobs no manifest uses, temporary files; returns bytes freed

  // Writes one blob; dropped unless finish() is called.
  class BlobWriter {
  public:
    explicit BlobWriter(const Store& store);
    ~BlobWriter();
    BlobWriter(const BlobWriter&) = delete;
    BlobWriter& operator=(const BlobWriter&) = delete;
    void write(std::string_view tar_bytes);
    Layer finish(const std::string& path);

  private:
    const Store& store_;
    std::string tmp_;
    std::FILE* file_ = nullptr;
    util::Hasher hash_;
    dump::Compressor zstd_;
    uint64_t size_ = 0, stored_ = 0;
  };

  // A blob's tar bytes as a stream of exactly layer.size bytes, for archive
  // put (whose Content-Length is promised up front). A blob that turns out
  // corrupt or short is padded with zeros (the end of a tar) so the upload
  // completes; check() then throws.
  class BlobStream : public std::streambuf {
  public:
    BlobStream(const Store& store, const Layer& layer);
    ~BlobStream() override;
    void check() const;

  protected:
    int_type underflow() override;

  private:
    void fill();
    Layer layer_;
    std::FILE* file_ = nullptr;
    util::Hasher hash_;
    std::unique_ptr<dump::Decompressor> zstd_;
    std::string out_;
    uint64_t given_ = 0;
    bool at_end_ = false;
    std::string error_;
  };

  // One file holding a snapshot (manifest and blobs, a tar), for CI caches.
  void export_to(const Manifest& m, const std::string& file) const;
  // Reads such a file into the store (every blob checked against its name);
  // accept(manifest) may refuse it (throw) before any blob is written. On
  // any failure nothing of it is kept. Returns its manifest.
  Manifest import_from(const std::string& file, const std::function<void(const Manifest&)>& accept = {}) const;

  std::string blob_path(const std::string& blob) const;
  std::string manifest_path(const std::string& name) const;

private:
  std::string temp_path() const;
  std::string dir_;
};

} // namespace dind::snapshot
