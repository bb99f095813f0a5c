#pragma once
#include "snapshot/store.hpp"

#include <cstdlib>
#include <filesystem>
#include <istream>
#include <iterator>
#include <string>

namespace dind::test {

// A directory of the test's own, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/dind-store-test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// data stored as one blob, written in pieces as a stream comes.
inline snapshot::Layer put(const snapshot::Store& store, const std::string& data, const std::string& path) {
  snapshot::Store::BlobWriter w(store);
  for (size_t i = 0; i < data.size(); i += 10000) w.write(std::string_view(data).substr(i, 10000));
  return w.finish(path);
}

inline std::string read_back(const snapshot::Store& store, const snapshot::Layer& l) {
  snapshot::Store::BlobStream s(store, l);
  std::istream in(&s);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  s.check();
  return out;
}

} // namespace dind::test
