#pragma once
#include "docker/endpoint.hpp"
#include "docker/transport.hpp"
#include "util/error.hpp"

#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dind::docker {

// An error answered by the daemon: its HTTP status and its own message.
class DockerError : public Error {
public:
  DockerError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

private:
  int status_;
};

using Query = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string path;  // "/containers/json"; the negotiated /vX.Y is prefixed
  Query query;
  std::string body;
  std::istream* body_stream = nullptr;  // instead of body, for large uploads
  int64_t body_size = -1;
  std::string content_type = "application/json";
  std::chrono::seconds timeout{300};
};

// A connection taken over after "101 UPGRADED": exec's attached stdin/stdout.
class Hijacked {
public:
  Hijacked(std::unique_ptr<Connection> connection, std::string leftover);
  ~Hijacked();
  void write(std::string_view data);
  void close_write();
  // Puts bytes back in front of the stream (read past the response head).
  void unread(std::string data);
  // Bytes read, 0 at end of stream.
  size_t read(char* buf, size_t size);

private:
  std::unique_ptr<Connection> connection_;
  std::string leftover_;
};

// The one Docker Engine API client: HTTP/1.1 over the UNIX socket, TCP (TLS) or ssh,
// API version negotiated with /_ping on first use.
class Client {
public:
  explicit Client(Endpoint endpoint);
  static Client from_env();
  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& api_version();

  // The whole response body; status >= 400 throws DockerError.
  std::string call(const Request& request);
  // The response body piece by piece, as the daemon sends it.
  // As call(), but a 404 (no such object) is nullopt instead of an error.
  std::optional<std::string> call_if_found(const Request& request);
  void call_stream(const Request& request, const std::function<void(std::string_view)>& on_data);
  std::unique_ptr<Hijacked> hijack(const std::string& path, const std::string& json_body);

private:
  std::string uri(const Request& request);
  Endpoint endpoint_;
  std::string api_version_;
};

// Docker's filters={"label":["k=v",...]} query value.
std::string label_filter(const std::vector<std::string>& labels);

} // namespace dind::docker
