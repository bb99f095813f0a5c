#include "hosts/images.hpp"

#include "cluster/context.hpp"
#include "docker/images.hpp"
#include "util/error.hpp"
#include "util/fanout.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <memory>

namespace dind::hosts {

namespace {

// bytes queued for one slow engine before the source waits for it
constexpr size_t engine_buffer = 32 << 20;

std::optional<std::string> image_id(docker::Client& engine, const std::string& reference) {
  auto info = docker::inspect_image(engine, reference);
  if (!info) return std::nullopt;
  return json::str(*info, {"Id"});
}

// Thrown into the source's stream to stop it when no engine reads any more.
struct EnginesGone {};

} // namespace

std::vector<size_t> engines_without(const std::string& id, const std::vector<std::optional<std::string>>& ids) {
  std::vector<size_t> out;
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] != id) out.push_back(i);
  }
  return out;
}

size_t distribute_image(std::vector<docker::Client>& engines, const std::string& reference, util::Steps& steps) {
  if (engines.size() < 2) return 0;
  auto& source = engines.front();
  auto info = docker::inspect_image(source, reference);
  if (!info) throw Error(reference + " is not on " + source.endpoint().text + ", the first engine");
  std::string id = json::str(*info, {"Id"});
  auto size = static_cast<uint64_t>(json::num(*info, {"Size"}));
  std::vector<std::optional<std::string>> ids(engines.size());
  util::parallel(engines.size() - 1, [&](size_t k) { ids[k + 1] = image_id(engines[k + 1], reference); });
  auto targets = engines_without(id, ids);
  if (targets.empty()) return 0;
  steps.status("sending " + reference + " (" + std::to_string(size >> 20) + " MiB) to " + util::plural(targets.size(), "engine"));
  std::vector<std::unique_ptr<docker::ImageLoad>> loads;
  std::vector<util::Fanout::Sink> sinks;
  for (size_t i : targets) {
    loads.push_back(std::make_unique<docker::ImageLoad>(engines[i]));
    sinks.emplace_back([load = loads.back().get()](std::string_view d) { load->write(d); });
  }
  util::Fanout fan(std::move(sinks), engine_buffer);
  uint64_t sent = 0;
  std::string source_error;
  try {
    docker::save_images_stream(source, {reference}, [&](std::string_view d) {
      if (!fan.push(d)) throw EnginesGone{};
      sent += d.size();
      steps.progress_bytes("sent", sent);  // of about the image's size: the tar's headers add to it
    });
  } catch (const EnginesGone&) {  // each engine's own error says why
  } catch (const std::exception& e) {
    source_error = e.what();
  }
  fan.finish();
  // a cut stream is not ended: the loads' connections drop mid-archive and the engines load nothing
  if (!source_error.empty()) throw Error("sending " + reference + " from " + source.endpoint().text + " stopped: " + source_error);
  std::vector<std::string> problems(targets.size());
  util::parallel(targets.size(), [&](size_t k) {
    auto& engine = engines[targets[k]];
    try {
      loads[k]->finish();
      if (image_id(engine, reference) != id) {
        problems[k] = engine.endpoint().text + ": after the load " + reference + " is not " + id;
      }
    } catch (const std::exception& e) {
      problems[k] = engine.endpoint().text + ": " + e.what();
    }
  });
  problems.erase(std::remove(problems.begin(), problems.end(), ""), problems.end());
  if (!problems.empty()) throw Error(util::join(problems, "; "));
  return targets.size();
}

} // namespace dind::hosts
