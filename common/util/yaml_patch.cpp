#include "util/yaml_patch.hpp"

#include "util/error.hpp"
#include "util/json.hpp"

#include <rapidjson/pointer.h>
#include <yaml-cpp/yaml.h>

#include <regex>

namespace dind::util::yaml {

namespace {

using json::Document;
using json::Value;
using Alloc = Document::AllocatorType;

// A plain scalar as Kubernetes' YAML reader (go-yaml v2 under
// sigs.k8s.io/yaml) types it; a quoted one is always a string.
void scalar_value(const YAML::Node& n, Value& out, Alloc& a) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "!" && n.Tag() != "tag:yaml.org,2002:str") {
    static const std::regex null_re("~|null|Null|NULL|");
    static const std::regex true_re("true|True|TRUE|yes|Yes|YES|on|On|ON|y|Y");
    static const std::regex false_re("false|False|FALSE|no|No|NO|off|Off|OFF|n|N");
    static const std::regex int_re("[-+]?[0-9]+");
    static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (std::regex_match(s, null_re)) return void(out.SetNull());
    if (std::regex_match(s, true_re)) return void(out.SetBool(true));
    if (std::regex_match(s, false_re)) return void(out.SetBool(false));
    if (std::regex_match(s, int_re) && s.size() < 19) return void(out.SetInt64(std::stoll(s)));
    try {
      if (std::regex_match(s, float_re)) return void(out.SetDouble(std::stod(s)));
    } catch (const std::out_of_range&) {
      // beyond a double (1e400): kept as the text it is
    }
  }
  out.SetString(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

void to_json(const YAML::Node& n, Value& out, Alloc& a) {
  switch (n.Type()) {
  case YAML::NodeType::Scalar:
    scalar_value(n, out, a);
    break;
  case YAML::NodeType::Sequence:
    out.SetArray();
    for (const auto& item : n) {
      Value v;
      to_json(item, v, a);
      out.PushBack(v, a);
    }
    break;
  case YAML::NodeType::Map:
    out.SetObject();
    for (const auto& kv : n) {
      Value k(kv.first.Scalar().c_str(), static_cast<rapidjson::SizeType>(kv.first.Scalar().size()), a);
      Value v;
      to_json(kv.second, v, a);
      out.AddMember(k, v, a);
    }
    break;
  default:
    out.SetNull();
  }
}

std::vector<Document> load_all(const std::string& text, const std::string& what) {
  std::vector<Document> docs;
  try {
    for (const auto& n : YAML::LoadAll(text)) {
      if (n.IsNull()) continue;
      Document d;
      to_json(n, d, d.GetAllocator());
      docs.push_back(std::move(d));
    }
  } catch (const YAML::Exception& e) {
    throw Error(what + ": not valid YAML (" + e.msg + " at line " + std::to_string(e.mark.line + 1) + ")");
  }
  return docs;
}

Document load_one(const std::string& text, const std::string& what) {
  auto docs = load_all(text, what);
  if (docs.size() != 1) throw Error(what + ": one YAML document expected, not " + std::to_string(docs.size()));
  return std::move(docs[0]);
}

std::string group_of(const Value& doc) {
  std::string api = json::str(doc, {"apiVersion"});
  auto slash = api.find('/');
  return slash == std::string::npos ? "" : api.substr(0, slash);
}

// [{name, value}] lists, as kubeadm v1beta4 spells component flags
bool named_list(const Value& v) {
  if (!v.IsArray() || v.Empty()) return false;
  for (auto& item : v.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name")) return false;
  }
  return true;
}

bool is_args_key(const std::string& key) { return key == "extraArgs" || key == "kubeletExtraArgs"; }

// v1beta3's {flag: value} as v1beta4's [{name: flag, value: "value"}]
void args_as_list(const Value& map, Value& out, Alloc& a) {
  out.SetArray();
  for (auto& m : map.GetObject()) {
    if (m.value.IsNull()) continue;  // a flag to remove: see merge
    Value item(rapidjson::kObjectType);
    item.AddMember("name", Value(m.name, a), a);
    std::string v = m.value.IsString() ? m.value.GetString() : json::dump(m.value);
    item.AddMember("value", Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a), a);
    out.PushBack(item, a);
  }
}

void merge(Value& target, const Value& patch, Alloc& a, bool args = false) {
  if (patch.IsObject() && (args || (target.IsArray() && named_list(target)))) {
    // {flag: null} removes the flag, as a merge patch's null does
    if (target.IsArray()) {
      for (auto& m : patch.GetObject()) {
        if (!m.value.IsNull()) continue;
        for (auto it = target.Begin(); it != target.End();) {
          it = it->IsObject() && it->HasMember("name") && (*it)["name"] == m.name ? target.Erase(it) : it + 1;
        }
      }
    }
    Value list;
    args_as_list(patch, list, a);
    if (list.Empty()) return;
    if (!target.IsArray()) target.SetArray();
    return merge(target, list, a);
  }
  if (patch.IsObject()) {
    if (!target.IsObject()) target.SetObject();
    for (auto& m : patch.GetObject()) {
      std::string key = m.name.GetString();
      if (m.value.IsNull()) {
        target.RemoveMember(key.c_str());
        continue;
      }
      if (!target.HasMember(key.c_str())) target.AddMember(Value(m.name, a), Value(), a);
      merge(target[key.c_str()], m.value, a, is_args_key(key));
    }
    return;
  }
  if (patch.IsArray() && named_list(patch) && target.IsArray() && named_list(target)) {
    for (auto& p : patch.GetArray()) {
      Value* same = nullptr;
      for (auto& t : target.GetArray()) {
        if (t["name"] == p["name"]) same = &t;
      }
      if (same) {
        merge(*same, p, a);
      } else {
        target.PushBack(Value(p, a), a);
      }
    }
    return;
  }
  target.CopyFrom(patch, a);
}

// ---- RFC 6902

struct Op {
  std::string op, path, from;
  const Value* value = nullptr;
};

std::vector<Op> parse_ops(const Value& ops, const std::string& what) {
  if (!ops.IsArray()) throw Error(what + ": a list of operations expected");
  std::vector<Op> out;
  for (auto& o : ops.GetArray()) {
    Op op;
    op.op = json::str(o, {"op"});
    op.path = json::str(o, {"path"});
    op.from = json::str(o, {"from"});
    if (o.IsObject() && o.HasMember("value")) op.value = &o["value"];
    static const std::vector<std::string> known = {"add", "remove", "replace", "move", "copy", "test"};
    if (std::find(known.begin(), known.end(), op.op) == known.end()) {
      throw Error(what + ": unknown operation '" + op.op + "' (add, remove, replace, move, copy, test)");
    }
    bool needs_value = op.op == "add" || op.op == "replace" || op.op == "test";
    bool needs_from = op.op == "move" || op.op == "copy";
    if (!o.HasMember("path") || !rapidjson::Pointer(op.path.c_str()).IsValid()) {
      throw Error(what + ": " + op.op + " needs a JSON pointer path, not '" + op.path + "'");
    }
    if (needs_value && !op.value) throw Error(what + ": " + op.op + " " + op.path + " needs a value");
    if (needs_from && (!o.HasMember("from") || !rapidjson::Pointer(op.from.c_str()).IsValid())) {
      throw Error(what + ": " + op.op + " needs a JSON pointer from, not '" + op.from + "'");
    }
    out.push_back(op);
  }
  return out;
}

// The parent of `path` and the last token of it.
std::pair<Value*, std::string> parent_of(Document& doc, const std::string& path, const std::string& what) {
  auto slash = path.rfind('/');
  if (path.empty() || slash == std::string::npos) throw Error(what + ": " + path + ": the whole document cannot be patched");
  Value* parent = rapidjson::Pointer(path.substr(0, slash).c_str()).Get(doc);
  if (!parent) throw Error(what + ": " + path + ": no such parent in the document");
  // RFC 6901: ~1 is '/', ~0 is '~', decoded left to right in one pass
  std::string token = path.substr(slash + 1), last;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      last += token[++i] == '0' ? '~' : '/';
    } else {
      last += token[i];
    }
  }
  return {parent, last};
}

size_t index_in(const Value& array, const std::string& token, bool end_ok, const std::string& what) {
  if (end_ok && token == "-") return array.Size();
  if (token.empty() || token.size() > 9 || token.find_first_not_of("0123456789") != std::string::npos) {
    throw Error(what + ": '" + token + "' is not a list index");
  }
  size_t i = std::stoul(token);
  if (i > array.Size() || (!end_ok && i == array.Size())) throw Error(what + ": list index " + token + " is out of range");
  return i;
}

void add(Document& doc, const std::string& path, const Value& value, const std::string& what) {
  auto a = &doc.GetAllocator();
  auto [parent, last] = parent_of(doc, path, what);
  if (parent->IsObject()) {
    parent->RemoveMember(last.c_str());
    parent->AddMember(Value(last.c_str(), static_cast<rapidjson::SizeType>(last.size()), *a), Value(value, *a), *a);
  } else if (parent->IsArray()) {
    size_t i = index_in(*parent, last, true, what);
    parent->PushBack(Value(value, *a), *a);
    for (size_t j = parent->Size() - 1; j > i; --j) (*parent)[static_cast<rapidjson::SizeType>(j)].Swap((*parent)[static_cast<rapidjson::SizeType>(j - 1)]);
  } else {
    throw Error(what + ": " + path + ": the parent is neither a map nor a list");
  }
}

void remove(Document& doc, const std::string& path, const std::string& what) {
  auto [parent, last] = parent_of(doc, path, what);
  if (parent->IsObject() && parent->HasMember(last.c_str())) {
    parent->RemoveMember(last.c_str());
  } else if (parent->IsArray()) {
    parent->Erase(parent->Begin() + index_in(*parent, last, false, what));
  } else {
    throw Error(what + ": " + path + ": nothing there to remove");
  }
}

void apply(Document& doc, const Op& op, const std::string& what) {
  auto& a = doc.GetAllocator();
  if (op.op == "add") return add(doc, op.path, *op.value, what);
  if (op.op == "remove") return remove(doc, op.path, what);
  if (op.op == "replace") {
    remove(doc, op.path, what);
    return add(doc, op.path, *op.value, what);
  }
  if (op.op == "test") {
    const Value* v = rapidjson::Pointer(op.path.c_str()).Get(doc);
    if (!v || *v != *op.value) throw Error(what + ": test " + op.path + " failed");
    return;
  }
  const Value* from = rapidjson::Pointer(op.from.c_str()).Get(doc);
  if (!from) throw Error(what + ": " + op.op + " from " + op.from + ": nothing there");
  Value copy(*from, a);
  if (op.op == "move") remove(doc, op.from, what);
  add(doc, op.path, copy, what);
}

bool matches(const Value& doc, const Json6902& p) {
  return json::str(doc, {"kind"}) == p.kind && (p.group.empty() || group_of(doc) == p.group);
}

} // namespace

std::string patch_kind(const std::string& patch, const std::string& what) {
  Document d = load_one(patch, what);
  if (!d.IsObject()) throw Error(what + ": a YAML map expected");
  return json::str(d, {"kind"});
}

void check_json6902(const std::string& ops, const std::string& what) {
  Document d = load_one(ops, what);
  parse_ops(d, what);
}

std::string patch_documents(const std::string& stream, const std::vector<std::string>& merge_patches,
                            const std::vector<Json6902>& json_patches, const std::string& what) {
  auto docs = load_all(stream, what);
  for (size_t i = 0; i < merge_patches.size(); ++i) {
    std::string name = what + " patch " + std::to_string(i + 1);
    Document p = load_one(merge_patches[i], name);
    std::string kind = json::str(p, {"kind"});
    // the document keeps its own apiVersion: kubeadm reads the one dind writes
    p.RemoveMember("apiVersion");
    for (auto& d : docs) {
      if (json::str(d, {"kind"}) == kind) merge(d, p, d.GetAllocator());
    }
  }
  for (size_t i = 0; i < json_patches.size(); ++i) {
    std::string name = what + " JSON 6902 patch " + std::to_string(i + 1);
    Document ops = load_one(json_patches[i].ops, name);
    auto list = parse_ops(ops, name);
    for (auto& d : docs) {
      if (!matches(d, json_patches[i])) continue;
      for (auto& op : list) apply(d, op, name);
    }
  }
  // JSON is YAML: every string stays a string for kubeadm's reader
  std::string out;
  for (auto& d : docs) out += (out.empty() ? "" : "---\n") + json::dump(d, true) + "\n";
  return out;
}

} // namespace dind::util::yaml
