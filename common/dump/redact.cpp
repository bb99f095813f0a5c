#include "dump/redact.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace dind::dump {

namespace {

constexpr std::string_view mark = "[redacted]";

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool secret_key(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view end : {"password", "passwd", "token", "secret", "apikey", "api-key", "api_key", "key-data", "private-key",
                               "private_key", "credentials"}) {
    if (k.size() >= end.size() && k.compare(k.size() - end.size(), end.size(), end) == 0) return true;
  }
  return false;
}

// "-----BEGIN ... PRIVATE KEY-----" at or after `from`; npos when none.
size_t pem_begin(std::string_view line, size_t from = 0) {
  for (size_t b = line.find("-----BEGIN", from); b != std::string_view::npos; b = line.find("-----BEGIN", b + 1)) {
    size_t e = line.find("-----", b + 10);
    if (e != std::string_view::npos && line.substr(b, e - b).find("PRIVATE KEY") != std::string_view::npos) return b;
  }
  return std::string_view::npos;
}

// A private key written on one line ("\n" escapes, JSON): the body between
// the BEGIN and END lines goes, or the rest of the line when END is missing.
std::string inline_pem(std::string line) {
  for (size_t b = pem_begin(line); b != std::string::npos; b = pem_begin(line, b + 1)) {
    size_t body = line.find("-----", b + 10) + 5;
    size_t end = line.find("-----END", body);
    line.replace(body, end == std::string::npos ? std::string::npos : end - body, std::string(mark));
  }
  return line;
}

// The values of keys `is_secret` picks: `key: v`, `key=v`, `"key": "v"`.
template <typename Pred>
std::string key_values(const std::string& line, Pred is_secret) {
  std::string out;
  size_t copied = 0;
  for (size_t sep = 0; sep < line.size(); ++sep) {
    char s = line[sep];
    if (s != ':' && s != '=') continue;
    size_t k = sep;
    if (k > 0 && line[k - 1] == '"') --k;
    if (k > 0 && line[k - 1] == '\\') --k;  // JSON inside a JSON string: \"key\":
    size_t key_end = k;
    while (k > 0 && ident(line[k - 1])) --k;
    if (k == key_end || !is_secret(std::string_view(line).substr(k, key_end - k))) continue;
    size_t v = sep + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    size_t end;
    if (line.compare(v, 2, "\\\"") == 0) {  // \"value\"
      v += 2;
      end = std::min(line.find("\\\"", v), line.size());
    } else if (v < line.size() && (line[v] == '"' || line[v] == '\'')) {
      char q = line[v++];
      end = v;
      while (end < line.size() && line[end] != q) end += line[end] == '\\' ? 2 : 1;
      end = std::min(end, line.size());
    } else if (s == '=') {
      end = v;
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])) && line[end] != ',' && line[end] != ';') ++end;
    } else {
      end = line.size();
    }
    if (end == v) continue;  // `password:` opening a block, or empty
    out.append(line, copied, v - copied);
    out += mark;
    copied = end;
    sep = end;
  }
  return copied == 0 ? line : out + line.substr(copied);
}

// Where `field`'s value is in line from `from` on (`field: v`, `"field": "v"`,
// `\"field\":\"v\"` inside a JSON string): {begin, end} of the value, or
// {npos, npos}.
std::pair<size_t, size_t> find_field(const std::string& line, std::string_view field, size_t from) {
  constexpr size_t none = std::string::npos;
  for (size_t at = line.find(field, from); at != none; at = line.find(field, at + 1)) {
    if (at > 0 && ident(line[at - 1])) continue;
    size_t p = at + field.size();
    if (p < line.size() && line[p] == '\\') ++p;
    if (p < line.size() && line[p] == '"') ++p;
    if (p >= line.size() || line[p] != ':') continue;
    ++p;
    while (p < line.size() && (line[p] == ' ' || line[p] == '"' || line[p] == '\\')) ++p;
    size_t e = p;
    while (e < line.size() && line[e] != '"' && line[e] != '\\' && line[e] != ',' && line[e] != '}') ++e;
    return {p, e};
  }
  return {none, none};
}

// Kubernetes env entries name the secret in one field and hold it in the
// next, on the same line or the following ones: {"name": "DB_PASSWORD",
// "value": "x"}, or `- name: DB_PASSWORD` / `value: x`; a line may hold many
// (last-applied-configuration). armed: a secret's name was seen, its value not yet.
std::string env_values(std::string line, bool& armed) {
  size_t pos = 0;
  for (;;) {
    auto name = find_field(line, "name", pos);
    auto value = find_field(line, "value", pos);
    if (name.first == std::string::npos && value.first == std::string::npos) return line;
    if (name.first < value.first) {
      armed = secret_key(std::string_view(line).substr(name.first, name.second - name.first));
      pos = name.second;
    } else {
      if (armed && value.second > value.first) {
        line.replace(value.first, value.second - value.first, std::string(mark));
        value.second = value.first + mark.size();
      }
      armed = armed && value.second == value.first;  // `value:` opening a block keeps it
      pos = value.second;
    }
  }
}

// kubeadm bootstrap tokens: [a-z0-9]{6}.[a-z0-9]{16}, not inside a longer word.
std::string bootstrap_tokens(std::string line) {
  for (size_t dot = line.find('.', 6); dot != std::string::npos; dot = line.find('.', dot + 1)) {
    size_t b = dot - 6, e = dot + 17;
    if (e > line.size()) break;
    bool shape = std::all_of(line.begin() + static_cast<long>(b), line.begin() + static_cast<long>(dot), lower_alnum) &&
                 std::all_of(line.begin() + static_cast<long>(dot) + 1, line.begin() + static_cast<long>(e), lower_alnum);
    bool alone = (b == 0 || !ident(line[b - 1])) && (e == line.size() || !ident(line[e]));
    if (shape && alone) {
      line.replace(b, e - b, std::string(mark));
      dot = b + mark.size() - 1;
    }
  }
  return line;
}

} // namespace

std::string redact(std::string_view text) {
  if (text.empty()) return "";
  std::string out;
  out.reserve(text.size());
  bool in_key = false;
  bool env_secret = false;
  auto lines = util::split(text, '\n', false);
  if (!text.empty() && text.back() == '\n') lines.pop_back();  // the "" after the last newline
  for (auto& line : lines) {
    if (in_key) {
      if (line.find("-----END") != std::string::npos) {
        in_key = false;
        out += line + "\n";
      }
      continue;
    }
    size_t b = pem_begin(line);
    if (b != std::string::npos && line.find("-----END", b) == std::string::npos &&
        line.find("\\n", b) == std::string::npos) {
      in_key = true;  // a block over several lines
      out += line.substr(0, line.find("-----", b + 10) + 5) + "\n" + std::string(mark) + "\n";
      continue;
    }
    out += bootstrap_tokens(env_values(key_values(inline_pem(line), secret_key), env_secret)) + "\n";
  }
  if (text.back() != '\n') out.pop_back();
  return out;
}

} // namespace dind::dump
