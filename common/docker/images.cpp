#include "docker/images.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fstream>
#include <unistd.h>

namespace dind::docker {

namespace {

// Progress streams (import, load) report failure inside a 200 response.
void check_progress(const std::string& body, const std::string& what) {
  for (auto& line : util::split(body, '\n')) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError()) continue;
    std::string err = json::str(d, {"error"});
    if (!err.empty()) throw Error("docker: " + what + ": " + err);
  }
}

std::string last_json_field(const std::string& body, const char* key) {
  std::string found;
  for (auto& line : util::split(body, '\n')) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (!d.HasParseError() && !json::str(d, {key}).empty()) found = json::str(d, {key});
  }
  return found;
}

} // namespace

std::pair<std::string, std::string> split_reference(const std::string& ref) {
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return {ref, "latest"};
  return {ref.substr(0, colon), ref.substr(colon + 1)};
}

bool has_digest(const std::string& reference) { return reference.find('@') != std::string::npos; }

std::string normalize_reference(const std::string& reference) {
  std::string name = reference, digest;
  if (auto at = name.find('@'); at != std::string::npos) {
    digest = name.substr(at);
    name.erase(at);
  }
  std::string tag;
  auto slash = name.rfind('/');
  if (auto colon = name.rfind(':'); colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon);
    name.erase(colon);
  }
  // the first component is a registry when it looks like a host (docker's rule)
  auto first = name.find('/');
  std::string domain = first == std::string::npos ? "" : name.substr(0, first);
  bool is_host = domain.find_first_of(".:") != std::string::npos || domain == "localhost" ||
                 std::any_of(domain.begin(), domain.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!is_host || domain == "index.docker.io") {
    std::string path = is_host ? name.substr(first + 1) : name;
    name = "docker.io/" + (path.find('/') == std::string::npos ? "library/" + path : path);
  }
  if (!digest.empty()) return name + digest;
  return name + (tag.empty() ? ":latest" : tag);
}

std::optional<json::Document> inspect_image(Client& c, const std::string& reference) {
  Request r;
  r.path = "/images/" + reference + "/json";
  auto body = c.call_if_found(r);
  if (!body) return std::nullopt;
  return json::parse(*body, "image inspect");
}

std::string import_image(Client& c, const std::string& tar_path, const std::string& reference,
                         const std::vector<std::string>& changes) {
  std::ifstream in(tar_path, std::ios::binary | std::ios::ate);
  if (!in) throw Error("cannot read " + tar_path);
  int64_t size = in.tellg();
  in.seekg(0);
  auto [repo, tag] = split_reference(reference);
  Request r;
  r.method = "POST";
  r.path = "/images/create";
  r.query = {{"fromSrc", "-"}, {"repo", repo}, {"tag", tag}};
  for (auto& ch : changes) r.query.emplace_back("changes", ch);
  r.body_stream = &in;
  r.body_size = size;
  r.content_type = "application/x-tar";
  r.timeout = std::chrono::minutes(30);
  std::string body = c.call(r);
  check_progress(body, "import " + reference);
  return last_json_field(body, "status");
}

void tag_image(Client& c, const std::string& source, const std::string& reference) {
  auto [repo, tag] = split_reference(reference);
  Request r;
  r.method = "POST";
  r.path = "/images/" + source + "/tag";
  r.query = {{"repo", repo}, {"tag", tag}};
  c.call(r);
}

void remove_image(Client& c, const std::string& reference, bool force) {
  Request r;
  r.method = "DELETE";
  r.path = "/images/" + reference;
  r.query = {{"force", force ? "1" : "0"}};
  c.call_if_found(r);  // already gone is fine
}

void save_images_stream(Client& c, const std::vector<std::string>& references,
                        const std::function<void(std::string_view)>& on_data) {
  Request r;
  r.path = "/images/get";
  for (auto& ref : references) r.query.emplace_back("names", ref);
  r.timeout = std::chrono::minutes(30);
  c.call_stream(r, on_data);
}

void save_images(Client& c, const std::vector<std::string>& references, const std::string& out_path) {
  // renamed into place only once the whole stream arrived (call_stream
  // throws on a body cut short)
  std::string tmp = out_path + ".part-" + std::to_string(::getpid());
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + out_path);
    save_images_stream(c, references, [&](std::string_view d) { out.write(d.data(), static_cast<std::streamsize>(d.size())); });
    if (!out.flush()) throw Error("cannot write " + out_path);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write " + out_path);
  }
}

void load_images(Client& c, const std::string& tar_path) {
  std::ifstream in(tar_path, std::ios::binary | std::ios::ate);
  if (!in) throw Error("cannot read " + tar_path);
  int64_t size = in.tellg();
  in.seekg(0);
  Request r;
  r.method = "POST";
  r.path = "/images/load";
  r.query = {{"quiet", "1"}};
  r.body_stream = &in;
  r.body_size = size;
  r.content_type = "application/x-tar";
  r.timeout = std::chrono::minutes(30);
  check_progress(c.call(r), "load " + tar_path);
}

ImageLoad::ImageLoad(Client& c) {
  Request r;
  r.method = "POST";
  r.path = "/images/load";
  r.query = {{"quiet", "1"}};
  r.content_type = "application/x-tar";
  r.timeout = std::chrono::minutes(30);
  upload_ = c.upload(r);
}

void ImageLoad::write(std::string_view data) { upload_->write(data); }

void ImageLoad::finish() { check_progress(upload_->finish(), "load"); }

} // namespace dind::docker
