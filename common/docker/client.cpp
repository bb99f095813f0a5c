#include "docker/client.hpp"

#include "util/env.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace dind::docker {

namespace {

// The API versions dind speaks: from Debian's 20.10 engine (1.41) up to
// Engine 29 (1.52), which refuses anything below 1.44.
constexpr int min_api = 141;
constexpr int max_api = 152;

// "1.44" -> 144; 0 when it is not a version.
int api_number(const std::string& v) {
  unsigned major = 0, minor = 0;
  if (std::sscanf(v.c_str(), "%u.%u", &major, &minor) != 2) return 0;
  return static_cast<int>(major * 100 + minor);
}

std::string api_text(int n) { return std::to_string(n / 100) + "." + std::to_string(n % 100); }

std::string daemon_message(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (!d.HasParseError()) {
    std::string m = json::str(d, {"message"});
    if (!m.empty()) return m;
  }
  return util::trim(body);
}

[[noreturn]] void raise_for(int status, const std::string& method, const std::string& path, const std::string& body) {
  std::string msg = daemon_message(body);
  throw DockerError(status, "docker: " + (msg.empty() ? "HTTP " + std::to_string(status) : msg) + " (" + method +
                                " " + path + ": " + std::to_string(status) + ")");
}

void send_all(Connection& c, std::string_view data) {
  while (!data.empty()) {
    int n = c.socket().sendBytes(data.data(), static_cast<int>(std::min<size_t>(data.size(), 65536)));
    if (n <= 0) throw Error("connection closed while sending");
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// HTTP/1.1 responses read by hand: Poco 1.11 takes a body cut short (by
// Content-Length or mid-chunk) for a complete one.
class Reader {
public:
  Reader(Connection& c, std::string what, std::chrono::seconds timeout)
    : conn_(c), what_(std::move(what)), timeout_(timeout) {}

  struct Head {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string get(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  Head head() {
    Head h;
    std::string status_line = line();
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
      throw Error(what_ + ": not an HTTP answer: " + status_line.substr(0, 60));
    }
    h.status = std::atoi(status_line.c_str() + 9);
    for (std::string l = line(); !l.empty(); l = line()) {
      auto colon = l.find(':');
      if (colon == std::string::npos) continue;
      std::string name = l.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
      h.headers[name] = util::trim(l.substr(colon + 1));
    }
    return h;
  }

  // The body as the head describes it; a body that ends early is an error.
  void body(const Head& h, const std::function<void(std::string_view)>& on_data) {
    if (h.status == 204 || h.status == 304) return;
    if (util::starts_with(h.get("transfer-encoding"), "chunked")) {
      for (;;) {
        std::string size_line = line();
        unsigned long long size = std::strtoull(size_line.c_str(), nullptr, 16);
        if (size == 0) {
          while (!line().empty()) {}
          return;
        }
        exactly(size, on_data);
        if (!line().empty()) throw Error(what_ + ": malformed chunked body");
      }
    }
    std::string length = h.get("content-length");
    if (!length.empty()) {
      exactly(std::strtoull(length.c_str(), nullptr, 10), on_data);
      return;
    }
    while (fill()) flush(on_data);
  }

  // What is left of the stream after the head (a hijacked connection's start).
  std::string rest() { return std::move(buf_); }

private:
  // More bytes into buf_; false at the end of the stream.
  bool fill() {
    char chunk[65536];
    int n = 0;
    try {
      n = conn_.socket().receiveBytes(chunk, sizeof chunk);
    } catch (const Poco::TimeoutException&) {
      util::interrupt::check();
      throw Error(what_ + ": the daemon sent nothing for " + std::to_string(timeout_.count()) + "s (timed out)");
    }
    if (n <= 0) {
      util::interrupt::check();
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  std::string line() {
    size_t end;
    while ((end = buf_.find("\r\n")) == std::string::npos) {
      if (!fill()) throw Error(what_ + ": the daemon closed the connection mid-answer");
    }
    std::string l = buf_.substr(0, end);
    buf_.erase(0, end + 2);
    return l;
  }

  void flush(const std::function<void(std::string_view)>& on_data) {
    if (!buf_.empty()) on_data(buf_);
    buf_.clear();
  }

  void exactly(unsigned long long n, const std::function<void(std::string_view)>& on_data) {
    while (n > 0) {
      if (buf_.empty() && !fill()) {
        throw Error(what_ + ": the body was cut short (" + std::to_string(n) + " bytes missing)");
      }
      size_t take = static_cast<size_t>(std::min<unsigned long long>(n, buf_.size()));
      on_data(std::string_view(buf_.data(), take));
      buf_.erase(0, take);
      n -= take;
    }
  }

  Connection& conn_;
  std::string what_;
  std::chrono::seconds timeout_;
  std::string buf_;
};

std::string request_head(const std::string& method, const std::string& target, const std::string& content_type,
                         int64_t length, bool upgrade) {
  std::string h = method + " " + target + " HTTP/1.1\r\nHost: docker\r\n";
  // an explicit length, even 0: the engine cancels a long request (wait,
  // logs) when it thinks the client went away; chunked (-1) when unknown
  if (length != 0) h += "Content-Type: " + content_type + "\r\n";
  h += length < 0 ? std::string("Transfer-Encoding: chunked\r\n") : "Content-Length: " + std::to_string(length) + "\r\n";
  h += upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "Connection: keep-alive\r\n";
  return h + "\r\n";
}

} // namespace

Hijacked::Hijacked(std::unique_ptr<Connection> connection, std::string leftover)
  : connection_(std::move(connection)), leftover_(std::move(leftover)) {}

Hijacked::~Hijacked() = default;

void Hijacked::write(std::string_view data) {
  try {
    send_all(*connection_, data);
  } catch (const Poco::TimeoutException&) {
    throw Error("docker: attached stream: the container took no input for too long (timed out)");
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    throw Error("docker: attached stream closed while writing stdin: " + e.displayText());
  } catch (const Error&) {
    util::interrupt::check();
    throw Error("docker: attached stream closed while writing stdin");
  }
}

void Hijacked::unread(std::string data) { leftover_ = std::move(data) + leftover_; }

void Hijacked::close_write() { connection_->socket().shutdownSend(); }

void Hijacked::set_timeout(std::chrono::milliseconds timeout) { connection_->set_timeout(timeout); }

size_t Hijacked::read(char* buf, size_t size) {
  if (!leftover_.empty()) {
    size_t n = std::min(size, leftover_.size());
    std::copy_n(leftover_.data(), n, buf);
    leftover_.erase(0, n);
    return n;
  }
  int n = 0;
  try {
    n = connection_->socket().receiveBytes(buf, static_cast<int>(size));
  } catch (const Poco::TimeoutException&) {
    util::interrupt::check();
    throw Error("docker: attached stream: no output for too long (timed out)");
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    throw Error("docker: attached stream: " + e.displayText());
  }
  if (n <= 0) util::interrupt::check();
  return n > 0 ? static_cast<size_t>(n) : 0;
}

Client::Client(Endpoint endpoint) : endpoint_(std::move(endpoint)) {
  // DIND_DOCKER_TIMEOUT caps how long any call waits on a silent daemon
  if (auto t = util::env("DIND_DOCKER_TIMEOUT")) {
    limit_ = std::chrono::seconds(util::parse_int(*t, 1, 86400, "DIND_DOCKER_TIMEOUT"));
  }
}

Client::Client(const Client& other) : endpoint_(other.endpoint_), limit_(other.limit_) {}

std::chrono::seconds Client::limit(std::chrono::seconds wanted) const {
  return limit_.count() > 0 ? std::min(wanted, limit_) : wanted;
}

Client Client::from_env() { return Client(endpoint_from_env()); }

std::string Client::api_version() {
  std::lock_guard<std::mutex> lock(api_mutex_);
  if (!api_version_.empty()) return api_version_;
  util::interrupt::check();
  auto conn = open_connection(endpoint_);
  auto timeout = limit(std::chrono::seconds(30));
  conn->set_timeout(timeout);
  Reader reader(*conn, "Docker daemon at " + endpoint_.text, timeout);
  Reader::Head head;
  try {
    send_all(*conn, request_head("GET", "/_ping", "", 0, false));
    head = reader.head();
    reader.body(head, [](std::string_view) {});
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    std::string why = conn->failure();
    throw Error("Docker daemon at " + endpoint_.text + " did not answer /_ping: " + (why.empty() ? e.displayText() : why));
  } catch (const Error& e) {
    std::string why = conn->failure();
    if (why.empty()) throw;
    throw Error("Docker daemon at " + endpoint_.text + " did not answer /_ping: " + why);
  }
  std::string server = head.get("api-version");
  if (server.empty()) throw Error("Docker daemon at " + endpoint_.text + " sent no API version: is it a Docker engine?");
  int v = api_number(server);
  if (v < min_api) {
    throw Error("Docker engine at " + endpoint_.text + " speaks API " + server + ", too old: dind needs " +
                api_text(min_api) + " or newer (Docker 20.10+)");
  }
  api_version_ = api_text(std::min(v, max_api));
  log::debug("docker: {} speaks API {}, using {}", endpoint_.text, server, api_version_);
  return api_version_;
}

std::string Client::uri(const Request& request) {
  Poco::URI u("/v" + api_version() + request.path);
  for (auto& [k, v] : request.query) u.addQueryParameter(k, v);
  return u.getPathAndQuery();
}

void Client::call_stream(const Request& request, const std::function<void(std::string_view)>& on_data) {
  util::interrupt::check();
  std::string target = uri(request);
  std::string what = "docker: " + request.method + " " + request.path;
  log::debug("docker: {} {}", request.method, target);
  auto conn = open_connection(endpoint_);
  auto timeout = limit(request.timeout);
  conn->set_timeout(timeout);
  Reader reader(*conn, what, timeout);
  int64_t length = request.body_stream ? request.body_size : static_cast<int64_t>(request.body.size());
  try {
    std::string send_error;
    try {
      send_all(*conn, request_head(request.method, target, request.content_type, length, false));
      if (!request.body_stream) {
        send_all(*conn, request.body);
      } else {
        char buf[65536];
        int64_t sent = 0;
        while (request.body_stream->read(buf, sizeof buf) || request.body_stream->gcount() > 0) {
          send_all(*conn, std::string_view(buf, static_cast<size_t>(request.body_stream->gcount())));
          sent += request.body_stream->gcount();
        }
        if (sent != length) throw Error("the upload ended after " + std::to_string(sent) + " of " + std::to_string(length) + " bytes");
      }
    } catch (const Poco::TimeoutException&) {
      throw;
    } catch (const Poco::Exception& e) {
      // the engine refused the upload half-way: its answer says why
      send_error = e.displayText();
    } catch (const Error& e) {
      send_error = e.what();
    }
    util::interrupt::check();
    Reader::Head head;
    try {
      head = reader.head();
    } catch (const std::exception& e) {
      if (send_error.empty()) throw;
      throw Error(what + ": upload cut off: " + send_error);
    }
    if (head.status >= 400) {
      std::string body;
      reader.body(head, [&](std::string_view d) { body.append(d); });
      raise_for(head.status, request.method, request.path, body);
    }
    if (!send_error.empty()) throw Error(what + ": upload cut off: " + send_error);
    reader.body(head, on_data);
  } catch (const Poco::TimeoutException&) {
    util::interrupt::check();
    throw Error(what + ": the daemon sent nothing for " + std::to_string(timeout.count()) + "s (timed out)");
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    throw Error(what + ": " + e.displayText());
  }
}

std::string Client::call(const Request& request) {
  std::string body;
  call_stream(request, [&](std::string_view d) { body.append(d); });
  return body;
}

std::optional<std::string> Client::call_if_found(const Request& request) {
  try {
    return call(request);
  } catch (const DockerError& e) {
    if (e.status() == 404) return std::nullopt;
    throw;
  }
}

std::unique_ptr<Hijacked> Client::hijack(const std::string& path, const std::string& json_body, std::chrono::seconds timeout) {
  util::interrupt::check();
  std::string target = "/v" + api_version() + path;
  log::debug("docker: POST {} (attached)", target);
  auto conn = open_connection(endpoint_);
  timeout = limit(timeout);
  conn->set_timeout(timeout);
  Reader reader(*conn, "docker: POST " + path, timeout);
  Reader::Head head;
  try {
    send_all(*conn, request_head("POST", target, "application/json", static_cast<int64_t>(json_body.size()), true) + json_body);
    head = reader.head();
  } catch (const Poco::TimeoutException&) {
    util::interrupt::check();
    throw Error("docker: POST " + path + ": the daemon sent nothing for " + std::to_string(timeout.count()) + "s (timed out)");
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    throw Error("docker: POST " + path + ": " + e.displayText());
  }
  if (head.status >= 400) {
    std::string body;
    reader.body(head, [&](std::string_view d) { body.append(d); });
    raise_for(head.status, "POST", path, body);
  }
  // what follows the response head is the raw stream
  std::string rest = reader.rest();
  return std::make_unique<Hijacked>(std::move(conn), std::move(rest));
}

Upload::Upload(std::unique_ptr<Connection> connection, std::string method, std::string path, std::chrono::seconds timeout)
  : connection_(std::move(connection)), method_(std::move(method)), path_(std::move(path)), timeout_(timeout) {}

Upload::~Upload() = default;

void Upload::write(std::string_view data) {
  if (!send_error_.empty()) throw Error("docker: " + method_ + " " + path_ + ": upload cut off: " + send_error_);
  if (data.empty()) return;  // an empty chunk would end the body
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  try {
    send_all(*connection_, size);
    send_all(*connection_, data);
    send_all(*connection_, "\r\n");
  } catch (const Poco::TimeoutException&) {
    send_error_ = "the daemon read nothing for " + std::to_string(timeout_.count()) + "s (timed out)";
  } catch (const Poco::Exception& e) {
    send_error_ = e.displayText();
  } catch (const Error& e) {
    send_error_ = e.what();
  }
  if (!send_error_.empty()) {
    util::interrupt::check();
    throw Error("docker: " + method_ + " " + path_ + ": upload cut off: " + send_error_);
  }
}

std::string Upload::finish() {
  std::string what = "docker: " + method_ + " " + path_;
  Reader reader(*connection_, what, timeout_);
  std::string body;
  try {
    if (send_error_.empty()) send_all(*connection_, "0\r\n\r\n");
    // a daemon that refused the body half-way has answered why
    auto head = reader.head();
    reader.body(head, [&](std::string_view d) { body.append(d); });
    if (head.status >= 400) raise_for(head.status, method_, path_, body);
  } catch (const DockerError&) {
    throw;
  } catch (const std::exception& e) {
    util::interrupt::check();
    throw Error(send_error_.empty() ? what + ": " + e.what() : what + ": upload cut off: " + send_error_);
  }
  if (!send_error_.empty()) throw Error(what + ": upload cut off: " + send_error_);
  return body;
}

std::unique_ptr<Upload> Client::upload(const Request& request) {
  util::interrupt::check();
  std::string target = uri(request);
  log::debug("docker: {} {} (chunked upload)", request.method, target);
  auto conn = open_connection(endpoint_);
  auto timeout = limit(request.timeout);
  conn->set_timeout(timeout);
  try {
    send_all(*conn, request_head(request.method, target, request.content_type, -1, false));
  } catch (const Poco::Exception& e) {
    util::interrupt::check();
    throw Error("docker: " + request.method + " " + request.path + ": " + e.displayText());
  }
  return std::make_unique<Upload>(std::move(conn), request.method, request.path, timeout);
}

std::string label_filter(const std::vector<std::string>& labels) {
  json::Writer w;
  w.begin_object().strings("label", labels).end_object();
  return w.str();
}

} // namespace dind::docker
