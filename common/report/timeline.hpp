#pragma once
#include "report/model.hpp"

#include <string>

namespace dind::report {

// An SVG of the run: one row per node (and one for cluster-wide events),
// events and container starts and ends placed by time, each with a <title>
// tooltip. "" when nothing in the model has a time.
std::string timeline_svg(const Model& model, size_t max_marks = 4000);

} // namespace dind::report
