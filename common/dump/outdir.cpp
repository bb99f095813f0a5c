#include "dump/outdir.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace dind::dump {

namespace fs = std::filesystem;

namespace {

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

// `name`, or the first "name~N" that `fits` (is free, or usable as it is).
template <typename Fits> std::string alternative(const fs::path& dir, const std::string& name, Fits fits) {
  if (fits(dir / name)) return name;
  for (int n = 2;; ++n) {
    std::string candidate = name + "~" + std::to_string(n);
    if (fits(dir / candidate)) return candidate;
  }
}

} // namespace

OutFile::OutFile(const std::string& root, const std::string& rel) {
  auto parts = util::split(rel, '/');
  fs::path dir(root);
  std::vector<std::string> placed;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    // a directory we may enter: free (then created) or already a directory
    std::string d = alternative(dir, parts[i], [](const fs::path& p) { return !present(p) || is_dir(p); });
    dir /= d;
    placed.push_back(d);
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
  }
  std::string last = parts.back();
  for (int n = 1;; ++n) {
    std::string name = n == 1 ? last : last + "~" + std::to_string(n);
    fs::path p = dir / name;
    if (is_dir(p)) continue;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && (errno == EEXIST || errno == ELOOP)) continue;
    if (fd < 0) throw Error("cannot write " + p.string() + ": " + std::strerror(errno));
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
      ::close(fd);
      throw Error("cannot write " + p.string());
    }
    placed.push_back(name);
    break;
  }
  rel_ = util::join(placed, "/");
  if (rel_ != rel) conflict_ = "name conflict: " + rel + " written as " + rel_ + " (the name is taken by another file or directory)";
}

OutFile::~OutFile() {
  if (file_) std::fclose(file_);
}

void OutFile::write(std::string_view data) {
  if (file_ && std::fwrite(data.data(), 1, data.size(), file_) != data.size()) throw Error("cannot write " + rel_ + ": " + std::strerror(errno));
}

void OutFile::close() {
  if (file_ && std::fclose(file_) != 0) {
    file_ = nullptr;
    throw Error("cannot write " + rel_ + ": " + std::strerror(errno));
  }
  file_ = nullptr;
}

namespace {

void merge(const fs::path& from, const fs::path& to, const fs::path& top, const fs::path& staging, bool force, std::vector<std::string>& left) {
  std::vector<fs::path> entries;
  for (auto& e : fs::directory_iterator(from)) entries.push_back(e.path());
  for (auto& src : entries) {
    fs::path dst = to / src.filename();
    if (dst == staging) {
      left.push_back(fs::relative(src, top).string());
      continue;
    }
    if (!present(dst)) {
      fs::rename(src, dst);
    } else if (is_dir(src) && is_dir(dst)) {
      merge(src, dst, top, staging, force, left);
    } else if (force && !is_dir(src) && !is_dir(dst)) {
      fs::rename(src, dst);
    } else if (is_dir(src)) {
      for (auto& e : fs::recursive_directory_iterator(src)) {
        if (!e.is_directory()) left.push_back(fs::relative(e.path(), top).string());
      }
    } else {
      left.push_back(fs::relative(src, top).string());
    }
  }
  std::error_code ec;
  if (fs::is_empty(from, ec)) fs::remove(from, ec);
}

} // namespace

std::vector<std::string> merge_into(const std::string& from, const std::string& to, bool force) {
  std::vector<std::string> left;
  fs::path top(from);
  merge(top, fs::path(to), top, top, force, left);
  return left;
}

std::string free_dir_name(const std::string& base) {
  if (!present(base)) return base;
  for (int n = 2;; ++n) {
    std::string candidate = base + "-" + std::to_string(n);
    if (!present(candidate)) return candidate;
  }
}

} // namespace dind::dump
