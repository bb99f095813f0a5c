#pragma once
#include <functional>
#include <string>

namespace dind::image {

// Build outputs kept by content hash: <root>/<name>-<key[:16]>/, complete once
// it holds ".complete". A half-filled entry never counts; it is started over.
class Cache {
public:
  explicit Cache(std::string root);
  std::string dir(const std::string& name, const std::string& key) const;
  bool has(const std::string& name, const std::string& key) const;
  // The entry's directory, after fill(dir) made it when it was missing.
  std::string ensure(const std::string& name, const std::string& key, const std::function<void(const std::string&)>& fill);

private:
  std::string root_;
};

} // namespace dind::image
