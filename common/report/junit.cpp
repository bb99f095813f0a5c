#include "report/junit.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace dind::report {

namespace {

// "#65" or "#x41" -> 65; 0 when not a valid character reference.
unsigned long char_ref(std::string_view ent) {
  if (ent.size() < 2 || ent[0] != '#') return 0;
  bool hex = ent[1] == 'x' || ent[1] == 'X';
  std::string digits(ent.substr(hex ? 2 : 1));
  char* end = nullptr;
  unsigned long cp = digits.empty() ? 0 : std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
  return end && *end == '\0' && cp <= 0x10FFFF ? cp : 0;
}

} // namespace

std::string xml_unescape(std::string_view text) {
  static const std::map<std::string_view, char> named = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 10) {
      out += text[i];
      continue;
    }
    std::string_view ent = text.substr(i + 1, semi - i - 1);
    if (auto it = named.find(ent); it != named.end()) {
      out += it->second;
    } else if (unsigned long cp = char_ref(ent); cp != 0) {
      // UTF-8 of the code point
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      out += text[i];
      continue;
    }
    i = semi;
  }
  return out;
}

namespace {

struct Tag {
  std::map<std::string, std::string> attrs;
  size_t end = std::string_view::npos;  // just after '>'
  bool empty = false;                   // <x/>
};

// The start tag at pos (which points at '<'), attribute values decoded.
Tag start_tag(std::string_view xml, size_t pos) {
  Tag t;
  size_t i = pos + 1;
  while (i < xml.size() && !std::isspace(static_cast<unsigned char>(xml[i])) && xml[i] != '>' && xml[i] != '/') ++i;
  while (i < xml.size()) {
    char c = xml[i];
    if (c == '>') {
      t.end = i + 1;
      t.empty = xml[i - 1] == '/';
      return t;
    }
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/') {
      ++i;
      continue;
    }
    size_t eq = xml.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= xml.size()) break;
    std::string name = util::trim(xml.substr(i, eq - i));
    char quote = xml[eq + 1];
    if (quote != '"' && quote != '\'') break;
    size_t close = xml.find(quote, eq + 2);
    if (close == std::string_view::npos) break;
    t.attrs[name] = xml_unescape(xml.substr(eq + 2, close - eq - 2));
    i = close + 1;
  }
  return t;
}

// The element's text (entities decoded, CDATA kept as it is) up to </name>.
std::string element_text(std::string_view xml, size_t from, std::string_view name) {
  size_t close = xml.find("</" + std::string(name), from);
  std::string_view body = xml.substr(from, close == std::string_view::npos ? std::string_view::npos : close - from);
  std::string out;
  while (!body.empty()) {
    size_t cdata = body.find("<![CDATA[");
    out += xml_unescape(body.substr(0, cdata));
    if (cdata == std::string_view::npos) break;
    size_t end = body.find("]]>", cdata);
    out += std::string(body.substr(cdata + 9, end == std::string_view::npos ? std::string_view::npos : end - cdata - 9));
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 3);
  }
  return util::trim(out);
}

// The first child element named one of names inside [from, to), or npos.
size_t child(std::string_view xml, size_t from, size_t to, std::initializer_list<std::string_view> names, std::string& which) {
  for (size_t p = xml.find('<', from); p < to; p = xml.find('<', p + 1)) {
    for (auto n : names) {
      if (xml.compare(p + 1, n.size(), n) == 0 && p + 1 + n.size() < xml.size()) {
        char after = xml[p + 1 + n.size()];
        if (after == ' ' || after == '>' || after == '/' || after == '\n' || after == '\t') {
          which = std::string(n);
          return p;
        }
      }
    }
  }
  return std::string_view::npos;
}

std::string first_line(const std::string& text) { return util::trim(text.substr(0, text.find('\n'))); }

} // namespace

E2eResult parse_junit(std::string_view xml, const std::string& file) {
  if (xml.find("<testsuite") == std::string_view::npos) throw Error(file + ": not a JUnit file (no <testsuite>)");
  E2eResult r;
  r.file = file;
  for (size_t p = xml.find("<testcase"); p != std::string_view::npos; p = xml.find("<testcase", p)) {
    Tag tc = start_tag(xml, p);
    if (tc.end == std::string_view::npos) break;
    size_t body_end = tc.empty ? tc.end : xml.find("</testcase", tc.end);
    if (body_end == std::string_view::npos) body_end = xml.size();
    std::string which;
    size_t c = tc.empty ? std::string_view::npos : child(xml, tc.end, body_end, {"failure", "error", "skipped"}, which);
    if (c != std::string_view::npos && which != "skipped") {
      Tag f = start_tag(xml, c);
      TestFailure failure;
      failure.name = tc.attrs["name"];
      failure.message = f.attrs["message"];
      if (!f.empty && f.end != std::string_view::npos) failure.text = element_text(xml, f.end, which);
      if (failure.message.empty()) failure.message = first_line(failure.text);
      r.failures.push_back(std::move(failure));
      ++r.failed;
    } else if (c != std::string_view::npos || tc.attrs["status"] == "skipped") {
      ++r.skipped;
    } else {
      ++r.passed;
    }
    p = std::max(body_end, p + 1);
  }
  return r;
}

void add_log_context(E2eResult& result, std::string_view log, size_t context) {
  auto lines = util::split(log, '\n', false);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  for (auto& f : result.failures) {
    std::string needle = first_line(f.message).empty() ? f.name : first_line(f.message);
    if (needle.empty()) continue;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find(needle) == std::string::npos) continue;
      size_t from = i > context ? i - context : 0, to = std::min(lines.size(), i + context + 1);
      std::vector<std::string> around(lines.begin() + static_cast<long>(from), lines.begin() + static_cast<long>(to));
      f.log = util::join(around, "\n");
      break;
    }
  }
}

} // namespace dind::report
