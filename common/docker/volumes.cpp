#include "docker/volumes.hpp"

#include "util/json.hpp"

namespace dind::docker {

void create_volume(Client& c, const std::string& name, const std::map<std::string, std::string>& labels) {
  json::Writer w;
  w.begin_object().kv("Name", name).object("Labels", labels).end_object();
  Request r;
  r.method = "POST";
  r.path = "/volumes/create";
  r.body = w.str();
  c.call(r);
}

std::optional<json::Document> inspect_volume(Client& c, const std::string& name) {
  Request r;
  r.path = "/volumes/" + name;
  auto body = c.call_if_found(r);
  if (!body) return std::nullopt;
  return json::parse(*body, "volume inspect");
}

std::vector<std::string> list_volumes(Client& c, const std::vector<std::string>& label_filters) {
  Request r;
  r.path = "/volumes";
  if (!label_filters.empty()) r.query = {{"filters", label_filter(label_filters)}};
  auto d = json::parse(c.call(r), "volume list");
  std::vector<std::string> out;
  if (auto* vols = json::find(d, {"Volumes"}); vols && vols->IsArray()) {
    for (auto& v : vols->GetArray()) out.push_back(json::str(v, {"Name"}));
  }
  return out;
}

void remove_volume(Client& c, const std::string& name, bool force) {
  Request r;
  r.method = "DELETE";
  r.path = "/volumes/" + name;
  r.query = {{"force", force ? "1" : "0"}};
  c.call_if_found(r);  // already gone is fine
}

} // namespace dind::docker
