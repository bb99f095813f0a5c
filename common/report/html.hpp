#pragma once
#include "report/model.hpp"

#include <string>
#include <string_view>

namespace dind::report {

struct RenderOptions {
  std::string source;    // what the dump came from, for the header
  std::string raw_href;  // the dump directory relative to the page, to link full files; "" when it is not kept
  size_t file_lines = 40, file_bytes = 8 << 10;  // the tail of each raw file embedded
  size_t log_lines = 40;                           // last log lines of a troubled pod's container
};

// Text safe in HTML element content and quoted attribute values.
std::string escape(std::string_view text);
// The page anchor of a dump file's embedded tail ("f-" and the name with [^A-Za-z0-9_-] as '-' codes).
std::string file_anchor(std::string_view name);
std::string pod_anchor(const Pod& pod);

// One self-contained page: inline CSS and SVG, no script, no network.
std::string render(const Model& model, const RenderOptions& options);

} // namespace dind::report
