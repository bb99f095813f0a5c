#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dind::util {

// Content hashes for cache keys: hex SHA-256 over everything fed in, in order.
class Hasher {
public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher& add(std::string_view data);
  // Bytes as they are, no length prefix: the digest of a stream.
  Hasher& add_raw(std::string_view data);
  Hasher& add_file(const std::string& path);
  // Every regular file under dir, sorted by relative path, names included.
  Hasher& add_tree(const std::string& dir);
  std::string hex();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Plain SHA-256 of data, in hex.
std::string sha256_hex(std::string_view data);

} // namespace dind::util
