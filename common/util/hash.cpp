#include "util/hash.hpp"

#include "util/error.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace dind::util {

struct Hasher::Impl {
  Poco::SHA2Engine engine{Poco::SHA2Engine::SHA_256};
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {}
Hasher::~Hasher() = default;

Hasher& Hasher::add(std::string_view data) {
  // length prefix: ("ab","c") and ("a","bc") must differ
  std::string len = std::to_string(data.size()) + ":";
  impl_->engine.update(len.data(), static_cast<unsigned>(len.size()));
  impl_->engine.update(data.data(), static_cast<unsigned>(data.size()));
  return *this;
}

Hasher& Hasher::add_raw(std::string_view data) {
  impl_->engine.update(data.data(), static_cast<unsigned>(data.size()));
  return *this;
}

Hasher& Hasher::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + " for hashing");
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    impl_->engine.update(buf, static_cast<unsigned>(in.gcount()));
  }
  return *this;
}

Hasher& Hasher::add_tree(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    add(f);
    add_file(dir + "/" + f);
  }
  return *this;
}

std::string Hasher::hex() { return Poco::DigestEngine::digestToHex(impl_->engine.digest()); }

std::string sha256_hex(std::string_view data) { return Hasher().add_raw(data).hex(); }

} // namespace dind::util
