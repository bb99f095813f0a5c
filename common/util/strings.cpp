#include "util/strings.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dind::util {

std::vector<std::string> split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string part(s.substr(start, end - start));
    if (!part.empty() || !skip_empty) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> shell_words(std::string_view s, std::string_view what) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      // a trailing backslash stands for itself
      if (i + 1 < s.size()) c = s[++i];
      word += c;
    } else if (c == '\'' || c == '"') {
      size_t end = i + 1;
      for (; end < s.size() && s[end] != c; ++end) {
        // inside double quotes a backslash escapes only what sh lets it
        if (c == '"' && s[end] == '\\' && end + 1 < s.size() && std::string_view("\"\\$`").find(s[end + 1]) != std::string_view::npos) ++end;
        word += s[end];
      }
      if (end == s.size()) throw Error(std::string(what) + ": unterminated " + (c == '"' ? "double" : "single") + " quote");
      i = end;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string plural(size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string format_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(d).count();
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60000),
                  static_cast<long long>((ms % 60000) / 1000));
  }
  return buf;
}

long parse_int(std::string_view s, long lo, long hi, std::string_view what) {
  std::string str(trim(s));
  char* end = nullptr;
  errno = 0;
  long v = str.empty() ? 0 : std::strtol(str.c_str(), &end, 10);
  if (str.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
    throw UsageError(std::string(what) + ": '" + str + "' is not a number in " + std::to_string(lo) + ".." +
                     std::to_string(hi));
  }
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, std::string_view content, unsigned mode) {
  // a name of this writer's own: two processes writing the same file never share a temp file
  static std::atomic<unsigned> serial{0};
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + path + ": " + std::strerror(e));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  ::fchmod(fd, mode);  // the umask may have taken bits away
  ::close(fd);
  // rename keeps the old file whole if we die half-way (kubeconfig!)
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot write " + path + ": " + std::strerror(e));
  }
}

std::map<std::string, std::string> read_key_values(const std::string& path) { return parse_key_values(util::read_file(path), path); }

std::map<std::string, std::string> parse_key_values(std::string_view text, const std::string& path) {
  std::map<std::string, std::string> out;
  int n = 0;
  for (auto& raw : util::split(text, '\n', false)) {
    ++n;
    std::string line = util::trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (util::starts_with(line, "export ")) line = util::trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(path + ":" + std::to_string(n) + ": expected KEY=VALUE");
    std::string key = line.substr(0, eq), value = util::trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    // ${VAR:-default} as config.sh writes it: keep the default
    if (util::starts_with(value, "${") && value.back() == '}' && value.find(":-") != std::string::npos) {
      value = value.substr(value.find(":-") + 2, value.size() - value.find(":-") - 3);
    }
    out[key] = value;
  }
  return out;
}

} // namespace dind::util
