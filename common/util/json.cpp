#include "util/json.hpp"

#include "util/error.hpp"

#include <rapidjson/error/en.h>

namespace dind::json {

Document parse(std::string_view text, std::string_view what) {
  Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    throw Error(std::string(what) + ": invalid JSON at offset " + std::to_string(d.GetErrorOffset()) + ": " +
                rapidjson::GetParseError_En(d.GetParseError()));
  }
  return d;
}

const Value* find(const Value& v, std::initializer_list<const char*> path) {
  const Value* cur = &v;
  for (const char* k : path) {
    if (!cur->IsObject()) return nullptr;
    auto it = cur->FindMember(k);
    if (it == cur->MemberEnd()) return nullptr;
    cur = &it->value;
  }
  return cur;
}

std::string str(const Value& v, std::initializer_list<const char*> path, const std::string& fallback) {
  const Value* f = find(v, path);
  return f && f->IsString() ? std::string(f->GetString(), f->GetStringLength()) : fallback;
}

int64_t num(const Value& v, std::initializer_list<const char*> path, int64_t fallback) {
  const Value* f = find(v, path);
  return f && f->IsInt64() ? f->GetInt64() : fallback;
}

bool flag(const Value& v, std::initializer_list<const char*> path, bool fallback) {
  const Value* f = find(v, path);
  return f && f->IsBool() ? f->GetBool() : fallback;
}

std::map<std::string, std::string> string_map(const Value& v, std::initializer_list<const char*> path) {
  std::map<std::string, std::string> out;
  const Value* f = find(v, path);
  if (f && f->IsObject()) {
    for (auto& m : f->GetObject()) {
      if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
    }
  }
  return out;
}

std::string dump(const Value& v, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
  }
  return buf.GetString();
}

Writer::Writer(bool pretty) : compact_(buf_), pretty_(buf_), is_pretty_(pretty) {
  pretty_.SetIndent(' ', 2);
}

Writer& Writer::begin_object() { return with([](auto& w) { w.StartObject(); }); }
Writer& Writer::end_object() { return with([](auto& w) { w.EndObject(); }); }
Writer& Writer::begin_array() { return with([](auto& w) { w.StartArray(); }); }
Writer& Writer::end_array() { return with([](auto& w) { w.EndArray(); }); }
Writer& Writer::key(std::string_view k) {
  return with([&](auto& w) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()), true); });
}
Writer& Writer::value(std::string_view v) {
  return with([&](auto& w) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()), true); });
}
Writer& Writer::value(int64_t v) { return with([&](auto& w) { w.Int64(v); }); }
Writer& Writer::value(bool v) { return with([&](auto& w) { w.Bool(v); }); }
Writer& Writer::null() { return with([](auto& w) { w.Null(); }); }

Writer& Writer::strings(std::string_view k, const std::vector<std::string>& values) {
  key(k).begin_array();
  for (auto& v : values) value(v);
  return end_array();
}

Writer& Writer::object(std::string_view k, const std::map<std::string, std::string>& values) {
  key(k).begin_object();
  for (auto& [name, v] : values) kv(name, v);
  return end_object();
}

Writer& Writer::raw(std::string_view json) {
  return with([&](auto& w) { w.RawValue(json.data(), json.size(), rapidjson::kObjectType); });
}

std::string Writer::str() const { return buf_.GetString(); }

} // namespace dind::json
