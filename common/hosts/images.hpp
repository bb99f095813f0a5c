#pragma once
#include "docker/client.hpp"
#include "util/steps.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dind::hosts {

// The engines (indexes) that must receive an image whose ID on the first
// engine is `id`, from the IDs the others have under its name (nullopt: none).
std::vector<size_t> engines_without(const std::string& id, const std::vector<std::optional<std::string>>& ids);

// Makes `reference` present on every engine as the first engine has it:
// one `docker save` stream from the first, loaded into every engine whose
// image under that name has another ID (or none) at once, with progress (in
// the caller's running step).
// Engines that have it are skipped. Error naming the engines that failed
// (the others still finish); Error when the first has no such image.
// Returns how many engines received it.
size_t distribute_image(std::vector<docker::Client>& engines, const std::string& reference, util::Steps& steps);

} // namespace dind::hosts
