#pragma once
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dind::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

// Throws dind::Error "<what>: invalid JSON at offset N: reason".
Document parse(std::string_view text, std::string_view what);

// Member lookup along a path; nullptr when any step is missing or not an object.
const Value* find(const Value& v, std::initializer_list<const char*> path);
std::string str(const Value& v, std::initializer_list<const char*> path, const std::string& fallback = "");
int64_t num(const Value& v, std::initializer_list<const char*> path, int64_t fallback = 0);
bool flag(const Value& v, std::initializer_list<const char*> path, bool fallback = false);
std::map<std::string, std::string> string_map(const Value& v, std::initializer_list<const char*> path);

std::string dump(const Value& v, bool pretty = false);

// A compact or pretty writer with the small conveniences every caller wanted.
class Writer {
public:
  explicit Writer(bool pretty = false);
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view k);
  Writer& value(std::string_view v);
  Writer& value(const char* v) { return value(std::string_view(v)); }
  Writer& value(const std::string& v) { return value(std::string_view(v)); }
  Writer& value(int64_t v);
  Writer& value(int v) { return value(static_cast<int64_t>(v)); }
  Writer& value(bool v);
  Writer& null();
  Writer& kv(std::string_view k, std::string_view v) { return key(k).value(v); }
  Writer& kv(std::string_view k, const char* v) { return key(k).value(v); }
  Writer& kv(std::string_view k, const std::string& v) { return key(k).value(v); }
  Writer& kv(std::string_view k, int64_t v) { return key(k).value(v); }
  Writer& kv(std::string_view k, int v) { return key(k).value(v); }
  Writer& kv(std::string_view k, bool v) { return key(k).value(v); }
  Writer& strings(std::string_view k, const std::vector<std::string>& values);
  Writer& object(std::string_view k, const std::map<std::string, std::string>& values);
  // Embeds already serialised JSON.
  Writer& raw(std::string_view json);
  std::string str() const;

private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> compact_;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty_;
  bool is_pretty_;
  template <typename F> Writer& with(F f) {
    if (is_pretty_) f(pretty_); else f(compact_);
    return *this;
  }
};

} // namespace dind::json
