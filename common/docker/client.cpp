#include "docker/client.hpp"

#include "util/json.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>

namespace dind::docker {

namespace {

// Versions we speak: 1.41 (Debian's 20.10 engine) up to 1.43.
constexpr double min_api = 1.41;
constexpr double max_api = 1.43;

std::string daemon_message(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (!d.HasParseError()) {
    std::string m = json::str(d, {"message"});
    if (!m.empty()) return m;
  }
  return util::trim(body);
}

void raise_for(int status, const Request& r, const std::string& body) {
  std::string msg = daemon_message(body);
  throw DockerError(status, "docker: " + (msg.empty() ? "HTTP " + std::to_string(status) : msg) +
                                " (" + r.method + " " + r.path + ": " + std::to_string(status) + ")");
}

} // namespace

Hijacked::Hijacked(std::unique_ptr<Connection> connection, std::string leftover)
  : connection_(std::move(connection)), leftover_(std::move(leftover)) {}

Hijacked::~Hijacked() = default;

void Hijacked::write(std::string_view data) {
  while (!data.empty()) {
    int n = connection_->socket().sendBytes(data.data(), static_cast<int>(std::min<size_t>(data.size(), 65536)));
    if (n <= 0) throw Error("docker: attached stream closed while writing stdin");
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void Hijacked::unread(std::string data) { leftover_ = std::move(data) + leftover_; }

void Hijacked::close_write() { connection_->socket().shutdownSend(); }

size_t Hijacked::read(char* buf, size_t size) {
  if (!leftover_.empty()) {
    size_t n = std::min(size, leftover_.size());
    std::copy_n(leftover_.data(), n, buf);
    leftover_.erase(0, n);
    return n;
  }
  int n = connection_->socket().receiveBytes(buf, static_cast<int>(size));
  return n > 0 ? static_cast<size_t>(n) : 0;
}

Client::Client(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

Client Client::from_env() { return Client(endpoint_from_env()); }

const std::string& Client::api_version() {
  if (!api_version_.empty()) return api_version_;
  auto conn = open_connection(endpoint_);
  Poco::Net::HTTPClientSession session(conn->socket());
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/_ping", Poco::Net::HTTPMessage::HTTP_1_1);
  req.setHost("docker");
  Poco::Net::HTTPResponse resp;
  try {
    session.sendRequest(req);
    std::istream& in = session.receiveResponse(resp);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
  } catch (const Poco::Exception& e) {
    std::string why = conn->failure();
    throw Error("Docker daemon at " + endpoint_.text + " did not answer /_ping: " + (why.empty() ? e.displayText() : why));
  }
  std::string server = resp.get("Api-Version", "");
  if (server.empty()) throw Error("Docker daemon at " + endpoint_.text + " sent no API version: is it a Docker engine?");
  double v = std::atof(server.c_str());
  if (v < min_api) throw Error("Docker engine API " + server + " is too old: dind needs 1.41 or newer");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", std::min(v, max_api));
  api_version_ = buf;
  log::debug("docker: {} speaks API {}, using {}", endpoint_.text, server, api_version_);
  return api_version_;
}

std::string Client::uri(const Request& request) {
  Poco::URI u("/v" + api_version() + request.path);
  for (auto& [k, v] : request.query) u.addQueryParameter(k, v);
  return u.getPathAndQuery();
}

void Client::call_stream(const Request& request, const std::function<void(std::string_view)>& on_data) {
  std::string target = uri(request);
  log::debug("docker: {} {}", request.method, target);
  auto conn = open_connection(endpoint_);
  Poco::Net::HTTPClientSession session(conn->socket());
  session.setTimeout(Poco::Timespan(static_cast<long>(request.timeout.count()), 0));
  Poco::Net::HTTPRequest req(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setHost("docker");
  // Keep-alive and an explicit length, even 0: the engine cancels a long
  // request (wait, logs) when it thinks the client went away.
  req.setKeepAlive(true);
  if (request.body_stream || !request.body.empty()) req.setContentType(request.content_type);
  req.setContentLength64(request.body_stream ? request.body_size : static_cast<int64_t>(request.body.size()));
  Poco::Net::HTTPResponse resp;
  try {
    std::ostream& out = session.sendRequest(req);
    std::string send_error;
    try {
      if (request.body_stream) Poco::StreamCopier::copyStream64(*request.body_stream, out);
      else out << request.body;
    } catch (const Poco::IOException& e) {
      // the engine refused the upload half-way: its answer says why
      send_error = e.displayText();
    }
    std::istream& in = [&]() -> std::istream& {
      try {
        return session.receiveResponse(resp);
      } catch (const Poco::Exception&) {
        if (send_error.empty()) throw;
        throw Error("docker: " + request.method + " " + request.path + ": upload cut off: " + send_error);
      }
    }();
    int status = resp.getStatus();
    if (status >= 400) {
      std::string body;
      Poco::StreamCopier::copyToString(in, body);
      raise_for(status, request, body);
    }
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) on_data(std::string_view(buf, static_cast<size_t>(in.gcount())));
  } catch (const Poco::TimeoutException&) {
    throw Error("docker: " + request.method + " " + request.path + " timed out after " +
                std::to_string(request.timeout.count()) + "s");
  } catch (const Poco::Exception& e) {
    throw Error("docker: " + request.method + " " + request.path + ": " + e.displayText());
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

std::unique_ptr<Hijacked> Client::hijack(const std::string& path, const std::string& json_body) {
  std::string target = "/v" + api_version() + path;
  log::debug("docker: POST {} (attached)", target);
  std::string head = "POST " + target + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                     "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " +
                     std::to_string(json_body.size()) + "\r\n\r\n" + json_body;
  auto conn = std::make_unique<Hijacked>(open_connection(endpoint_), "");
  conn->write(head);
  // What follows the response head is the raw stream: keep it for read().
  std::string buf;
  char chunk[4096];
  size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    size_t n = conn->read(chunk, sizeof chunk);
    if (n == 0) throw Error("docker: connection closed before " + path + " answered");
    buf.append(chunk, n);
  }
  int status = std::atoi(buf.substr(buf.find(' ') + 1, 3).c_str());
  std::string rest = buf.substr(end + 4);
  if (status >= 400) {
    Request r;
    r.method = "POST";
    r.path = path;
    raise_for(status, r, rest);
  }
  conn->unread(std::move(rest));
  return conn;
}

std::string label_filter(const std::vector<std::string>& labels) {
  json::Writer w;
  w.begin_object().strings("label", labels).end_object();
  return w.str();
}

} // namespace dind::docker
