#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dind::docker {

void create_volume(Client& c, const std::string& name, const std::map<std::string, std::string>& labels);
// Names of the volumes carrying all these labels.
// The volume's description, nullopt when there is none of that name.
std::optional<json::Document> inspect_volume(Client& c, const std::string& name);
std::vector<std::string> list_volumes(Client& c, const std::vector<std::string>& label_filters);
// Missing is not an error.
void remove_volume(Client& c, const std::string& name, bool force = true);

} // namespace dind::docker
