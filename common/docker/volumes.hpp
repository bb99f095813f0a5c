#pragma once
#include "docker/client.hpp"

#include <map>
#include <string>
#include <vector>

namespace dind::docker {

void create_volume(Client& c, const std::string& name, const std::map<std::string, std::string>& labels);
// Names of the volumes carrying all these labels.
std::vector<std::string> list_volumes(Client& c, const std::vector<std::string>& label_filters);
// Missing is not an error.
void remove_volume(Client& c, const std::string& name, bool force = true);

} // namespace dind::docker
