#include "cluster/load.hpp"

#include "cluster/context.hpp"
#include "docker/images.hpp"
#include "util/error.hpp"
#include "util/fanout.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>

namespace dind::cluster {

namespace {

const std::vector<std::string> ctr = {"ctr", "-n", "k8s.io", "images"};

std::vector<std::string> ctr_images(std::vector<std::string> args) {
  args.insert(args.begin(), ctr.begin(), ctr.end());
  return args;
}

// Per node: bytes queued before the stream waits for it. Deep enough to ride
// out an import's pauses (unpacking), small enough for many nodes.
constexpr size_t node_buffer = 32 << 20;

std::string megabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MB", bytes / 1e6);
  return buf;
}

struct Target {
  std::string container;
  std::vector<size_t> send;
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;
};

} // namespace

std::vector<std::string> select_nodes(Provider& provider, const Layout& plan, const std::vector<std::string>& wanted) {
  std::vector<std::string> running;
  for (auto& c : cluster_nodes(provider, plan, true)) running.push_back(c.name);
  if (running.empty()) throw Error("cluster " + plan.name + " has no running nodes: `kubectl dind up` first");
  std::sort(running.begin(), running.end());
  if (wanted.empty()) return running;
  std::vector<std::string> out, known;
  for (auto& n : plan.nodes) known.push_back(n.name);
  for (auto& w : wanted) {
    auto it = std::find_if(plan.nodes.begin(), plan.nodes.end(), [&](auto& n) { return n.name == w || n.container == w; });
    if (it == plan.nodes.end()) throw UsageError("no node " + w + " in cluster " + plan.name + " (it has " + util::join(known, ", ") + ")");
    if (std::find(running.begin(), running.end(), it->container) == running.end()) throw Error("node " + w + " is not running");
    if (std::find(out.begin(), out.end(), it->container) == out.end()) out.push_back(it->container);
  }
  return out;
}

std::vector<LoadImage> resolve(Provider& provider, const std::vector<std::string>& refs) {
  std::vector<LoadImage> images;
  for (auto& ref : refs) {
    auto info = provider.image(ref);
    if (!info) {
      throw Error("image " + ref + " is not in the host's Docker, and there is no registry to pull from here: build it or `docker load` it first");
    }
    const std::string& id = info->id;
    if (id == ref || util::starts_with(id, "sha256:" + ref) || util::starts_with(id, ref)) {
      throw UsageError(ref + " is an image ID: give a name (repo:tag or repo@sha256:...) for pods to use");
    }
    std::string name = docker::normalize_reference(ref);
    auto it = std::find_if(images.begin(), images.end(), [&](auto& i) { return i.id == id; });
    if (it == images.end()) {
      it = images.insert(images.end(), LoadImage{id, {}, {}, info->size});
    }
    if (std::find(it->names.begin(), it->names.end(), name) != it->names.end()) continue;
    it->names.push_back(name);
    // a tag comes back from `docker save` as the image's name; a digest does not
    if (!docker::has_digest(ref)) it->sources.push_back(name);
  }
  return images;
}

namespace {

std::map<std::string, std::string> manifest_configs(Provider& provider, const std::string& node,
                                                    const std::map<std::string, std::string>& imported) {
  std::set<std::string> named;
  for (auto& [name, digest] : imported) {
    if (!is_import_anchor(name)) named.insert(digest);
  }
  std::map<std::string, std::string> configs;
  for (auto& [name, digest] : imported) {
    if (!is_import_anchor(name) || named.count(digest) || configs.count(digest)) continue;
    auto manifest = exec_checked(provider, node, {"ctr", "-n", "k8s.io", "content", "get", digest});
    configs[digest] = json::str(json::parse(manifest, node + ": manifest " + digest), {"config", "digest"});
  }
  return configs;
}

void add_tags(Provider& provider, const std::string& node,
              const std::vector<std::pair<std::string, std::vector<std::string>>>& tags) {
  for (auto& [source, targets] : tags) {
    if (targets.empty()) continue;
    std::vector<std::string> cmd = ctr_images({"tag", "--force", source});
    cmd.insert(cmd.end(), targets.begin(), targets.end());
    exec_checked(provider, node, cmd);
  }
}

// Thrown into the engine's stream to stop it when no node reads any more.
struct NodesGone {};

// Streams `produce`'s bytes to `ctr images import` in every target at once;
// then names what the import left unnamed. A node that fails is named in the
// error; the others still finish.
void stream_to_nodes(Provider& provider, util::Steps& steps, std::vector<Target>& targets,
                     const std::vector<LoadImage>& images, bool from_archive, double expected,
                     const std::function<void(const Sink&)>& produce) {
  std::vector<std::unique_ptr<NodeStream>> imports;
  std::vector<util::Fanout::Sink> sinks;
  // --digests names what has no name of its own (an image saved by digest)
  // "import-<date>@sha256:...", so its content is kept until we name it
  auto import_cmd = ctr_images({"import", "--digests", "--skip-digest-for-named", "-"});
  for (auto& t : targets) {
    imports.push_back(provider.exec_stream(t.container, import_cmd));
    sinks.emplace_back([s = imports.back().get()](std::string_view d) { s->write(d); });
  }
  util::Fanout fan(std::move(sinks), node_buffer);
  double sent = 0;
  auto start = std::chrono::steady_clock::now(), shown = start;
  std::string source_error;
  try {
    produce([&](std::string_view d) {
      if (!fan.push(d)) throw NodesGone{};
      sent += static_cast<double>(d.size());
      auto now = std::chrono::steady_clock::now();
      if (now - shown < std::chrono::milliseconds(250)) return;
      shown = now;
      double secs = std::chrono::duration<double>(now - start).count();
      steps.status(megabytes(sent) + (expected > 0 ? " of ~" + megabytes(expected) : "") + ", " + megabytes(sent / secs) + "/s");
    });
  } catch (const NodesGone&) {  // each node's own error says why
  } catch (const std::exception& e) {
    source_error = e.what();
  }
  auto lanes = fan.finish();
  std::vector<std::string> problems(targets.size());
  util::parallel(targets.size(), [&](size_t i) {
    auto r = imports[i]->finish();
    auto& node = targets[i].container;
    if (!source_error.empty()) return;  // a cut stream: the import failed, and why is the source's story
    if (r.exit_code != 0) {
      problems[i] = docker::exec_error(node, import_cmd, r).what();
      return;
    }
    if (!lanes[i].empty()) {
      problems[i] = node + ": " + lanes[i];
      return;
    }
    auto imported = imported_names(r.out);
    std::vector<LoadImage> sent_images;
    if (from_archive) {
      for (auto& [name, digest] : imported) {
        if (!is_import_anchor(name)) sent_images.push_back(LoadImage{"", {docker::normalize_reference(name)}, {name}, 0});
      }
    } else {
      for (size_t k : targets[i].send) sent_images.push_back(images[k]);
    }
    try {
      bool need_configs = std::any_of(sent_images.begin(), sent_images.end(), [&](auto& im) {
        return std::none_of(im.sources.begin(), im.sources.end(), [&](auto& s) { return imported.count(s) > 0; });
      });
      auto after = plan_after_import(sent_images, imported, need_configs ? manifest_configs(provider, node, imported)
                                                                         : std::map<std::string, std::string>{});
      if (!after.unmatched.empty()) throw Error(node + ": the import made no image " + util::join(after.unmatched, ", "));
      add_tags(provider, node, after.tags);
      if (!after.remove.empty()) {
        auto cmd = ctr_images({"rm"});
        cmd.insert(cmd.end(), after.remove.begin(), after.remove.end());
        exec_checked(provider, node, cmd);
      }
    } catch (const std::exception& e) {
      problems[i] = e.what();
    }
  });
  problems.erase(std::remove(problems.begin(), problems.end(), ""), problems.end());
  if (!source_error.empty()) throw Error("sending the images stopped: " + source_error);
  if (!problems.empty()) throw Error(util::join(problems, "; "));
}

} // namespace

std::map<std::string, std::string> cri_names(const std::string& crictl_json) {
  auto d = json::parse(crictl_json, "crictl images");
  std::map<std::string, std::string> out;
  auto* images = json::find(d, {"images"});
  if (!images || !images->IsArray()) return out;
  for (auto& img : images->GetArray()) {
    std::string id = json::str(img, {"id"});
    for (const char* key : {"repoTags", "repoDigests"}) {
      auto* names = json::find(img, {key});
      if (!names || !names->IsArray()) continue;
      for (auto& n : names->GetArray()) {
        if (n.IsString()) out[n.GetString()] = id;
      }
    }
  }
  return out;
}

NodeWork plan_node(const std::vector<LoadImage>& images, const std::map<std::string, std::string>& have) {
  NodeWork work;
  for (size_t i = 0; i < images.size(); ++i) {
    auto& im = images[i];
    std::vector<std::string> missing;
    for (auto& n : im.names) {
      auto it = have.find(n);
      if (it == have.end() || it->second != im.id) missing.push_back(n);
    }
    if (missing.empty()) continue;
    // a tag before a digest name: ctr's digest names are not always ours
    std::string source;
    for (auto& [name, id] : have) {
      if (id == im.id && (source.empty() || (docker::has_digest(source) && !docker::has_digest(name)))) source = name;
    }
    if (source.empty()) work.send.push_back(i);
    else work.tags.emplace_back(source, missing);
  }
  return work;
}

std::map<std::string, std::string> imported_names(const std::string& ctr_output) {
  std::map<std::string, std::string> out;
  for (auto& line : util::split(ctr_output, '\n')) {
    // "unpacking docker.io/library/app:v1 (sha256:...)...done"
    auto pos = line.find("unpacking ");
    if (pos == std::string::npos) continue;
    auto open = line.find(" (sha256:", pos);
    auto close = line.find(')', open == std::string::npos ? pos : open);
    if (open == std::string::npos || close == std::string::npos) continue;
    out[line.substr(pos + 10, open - pos - 10)] = line.substr(open + 2, close - open - 2);
  }
  return out;
}

bool is_import_anchor(const std::string& name) {
  // "import-2026-11-27@sha256:" + 64 hex digits
  return util::starts_with(name, "import-") && name.size() == 17 + 8 + 64 && name.compare(17, 8, "@sha256:") == 0;
}

AfterImport plan_after_import(const std::vector<LoadImage>& sent, const std::map<std::string, std::string>& imported,
                              const std::map<std::string, std::string>& configs) {
  AfterImport out;
  std::set<std::string> named;
  for (auto& [name, digest] : imported) {
    if (!is_import_anchor(name)) named.insert(digest);
  }
  for (auto& im : sent) {
    std::string source;
    for (auto& s : im.sources) {
      if (imported.count(s)) {
        source = s;
        break;
      }
    }
    if (source.empty()) {
      for (auto& [name, digest] : imported) {
        auto c = configs.find(digest);
        if (is_import_anchor(name) && c != configs.end() && c->second == im.id) source = name;
      }
    }
    if (source.empty()) {
      out.unmatched.push_back(im.id.empty() ? util::join(im.names, ", ") : im.id);
      continue;
    }
    named.insert(imported.at(source));
    std::vector<std::string> missing;
    for (auto& n : im.names) {
      if (!imported.count(n)) missing.push_back(n);
    }
    if (!missing.empty()) out.tags.emplace_back(source, missing);
  }
  for (auto& [name, digest] : imported) {
    if (is_import_anchor(name) && named.count(digest)) out.remove.push_back(name);
  }
  return out;
}

void load_into_nodes(Provider& provider, util::Steps& steps, const Layout& plan, const LoadOptions& options) {
  if (options.images.empty() == options.archive.empty()) throw UsageError("load takes image names or --archive FILE (one of them)");
  auto nodes = select_nodes(provider, plan, options.nodes);

  if (!options.archive.empty()) {
    std::ifstream in(options.archive, std::ios::binary | std::ios::ate);
    if (!in) throw UsageError("cannot read " + options.archive);
    double size = static_cast<double>(in.tellg());
    in.seekg(0);
    std::vector<Target> targets;
    for (auto& n : nodes) targets.push_back(Target{n, {}, {}});
    steps.run("Loading " + options.archive + " into " + util::plural(nodes.size(), "node"), [&] {
      stream_to_nodes(provider, steps, targets, {}, true, size, [&](const Sink& sink) {
        std::vector<char> buf(1 << 20);
        while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
          sink(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
        }
        if (in.bad()) throw Error("cannot read " + options.archive);
      });
    });
    return;
  }

  auto images = resolve(provider, options.images);
  std::vector<Target> targets(nodes.size());
  util::parallel(nodes.size(), [&](size_t i) {
    auto have = cri_names(exec_checked(provider, nodes[i], {"crictl", "images", "-o", "json"}));
    auto work = plan_node(images, have);
    targets[i] = Target{nodes[i], work.send, work.tags};
  });
  std::vector<std::string> all_names;
  for (auto& im : images) all_names.insert(all_names.end(), im.names.begin(), im.names.end());
  std::string what = util::plural(images.size(), "image") + " into " + util::plural(nodes.size(), "node");

  std::vector<Target> tagging, sending;
  std::set<size_t> send;
  for (auto& t : targets) {
    if (!t.tags.empty()) tagging.push_back(t);
    if (!t.send.empty()) sending.push_back(t);
    send.insert(t.send.begin(), t.send.end());
  }
  if (tagging.empty() && sending.empty()) {
    steps.run("Loading " + what + " (all present)", [] {});
    return;
  }
  steps.run("Loading " + what, [&] {
    if (!tagging.empty()) {
      util::parallel(tagging.size(), [&](size_t i) { add_tags(provider, tagging[i].container, tagging[i].tags); });
    }
    if (!sending.empty()) {
      // one stream for all: `docker save` writes a layer images share once
      std::vector<std::string> refs;
      double expected = 0;
      for (size_t k : send) {
        refs.insert(refs.end(), images[k].names.begin(), images[k].names.end());
        expected += images[k].size;
      }
      stream_to_nodes(provider, steps, sending, images, false, expected,
                      [&](const Sink& sink) { provider.save_images(refs, sink); });
    }
    log::debug("{}: sent to {}, named in {} more", util::join(all_names, " "), util::plural(sending.size(), "node"),
              util::plural(tagging.size(), "node"));
  });
}

} // namespace dind::cluster
