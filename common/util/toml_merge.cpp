#include "util/toml_merge.hpp"

#include "util/error.hpp"

// Debian ships toml++ as a shared library only: header-only here, so the
// static release build needs nothing more
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_WINDOWS_COMPAT 0
#include <toml++/toml.h>

#include <sstream>

namespace dind::util::toml {

namespace {

::toml::table parse(const std::string& text, const std::string& what) {
  try {
    return ::toml::parse(text);
  } catch (const ::toml::parse_error& e) {
    throw Error(what + ": not valid TOML (" + std::string(e.description()) + " at line " +
                std::to_string(e.source().begin.line) + ")");
  }
}

void merge_tables(::toml::table& base, const ::toml::table& patch) {
  for (auto&& [key, value] : patch) {
    auto* into = base.get_as<::toml::table>(key);
    if (into && value.is_table()) {
      merge_tables(*into, *value.as_table());
      continue;
    }
    value.visit([&, k = key](const auto& v) { base.insert_or_assign(k, v); });
  }
}

} // namespace

std::string merge(const std::string& base, const std::string& patch, const std::string& what) {
  auto merged = parse(base, what + " (the node's containerd config)");
  merge_tables(merged, parse(patch, what));
  std::ostringstream out;
  out << merged << "\n";
  return out.str();
}

std::map<std::string, std::vector<std::string>> take_arrays(std::string& text, const std::vector<std::string>& path,
                                                            const std::string& key, const std::string& what) {
  auto root = parse(text, what);
  ::toml::table* parent = &root;
  for (size_t i = 0; parent && i + 1 < path.size(); ++i) parent = parent->get_as<::toml::table>(path[i]);
  std::map<std::string, std::vector<std::string>> out;
  auto* table = parent ? parent->get_as<::toml::table>(path.back()) : nullptr;
  if (!table) return out;
  for (auto&& [name, sub] : *table) {
    auto& list = out[std::string(name.str())];
    const auto* array = sub.is_table() ? sub.as_table()->get_as<::toml::array>(key) : nullptr;
    if (!array) continue;
    for (auto&& item : *array) {
      if (auto s = item.value<std::string>()) list.push_back(*s);
    }
  }
  parent->erase(path.back());
  std::ostringstream o;
  o << root << "\n";
  text = o.str();
  return out;
}

void check(const std::string& text, const std::string& what) { parse(text, what); }

} // namespace dind::util::toml
