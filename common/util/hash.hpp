#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dind::util {

// Content hashes for cache keys: hex SHA-256 over everything fed in, in order.
class Hasher {
public:
  Hasher();
  ~Hasher();
  Hasher& add(std::string_view data);
  // Bytes as they are, no length prefix: the digest of a stream.
  Hasher& add_raw(std::string_view data);
  Hasher& add_file(const std::string& path);
  // Every regular file under dir, sorted by relative path, names included.
  Hasher& add_tree(const std::string& dir);
  std::string hex();

private:
  struct Impl;
  Impl* impl_;
};

std::string sha256_hex(std::string_view data);

} // namespace dind::util
