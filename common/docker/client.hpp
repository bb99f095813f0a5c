#pragma once
#include "docker/endpoint.hpp"
#include "docker/transport.hpp"
#include "util/error.hpp"

#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
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
  // How long the daemon may stay silent (connect, answer, each piece of a
  // stream) before the call fails.
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
  // How long a read or write may block before it fails.
  void set_timeout(std::chrono::milliseconds timeout);

private:
  std::unique_ptr<Connection> connection_;
  std::string leftover_;
};

// A request whose body is sent as it is made (chunked: its length is not
// known up front), e.g. one engine's image stream into another's load.
class Upload {
public:
  Upload(std::unique_ptr<Connection> connection, std::string method, std::string path, std::chrono::seconds timeout);
  ~Upload();
  // Sends a piece of the body; throws Error when the daemon stopped reading
  // (finish() then says why, when the daemon answered).
  void write(std::string_view data);
  // Ends the body; the daemon's whole answer (status >= 400 throws DockerError).
  std::string finish();

private:
  std::unique_ptr<Connection> connection_;
  std::string method_, path_;
  std::chrono::seconds timeout_;
  std::string send_error_;
};

// The one Docker Engine API client: HTTP/1.1 over the UNIX socket, TCP (TLS) or ssh,
// API version negotiated with /_ping on first use (the daemon's own, within
// what dind speaks). Safe to share between threads.
class Client {
public:
  explicit Client(Endpoint endpoint);
  Client(const Client& other);
  Client& operator=(const Client&) = delete;
  static Client from_env();
  const Endpoint& endpoint() const { return endpoint_; }
  std::string api_version();

  // The whole response body; status >= 400 throws DockerError, a body cut
  // short or a silent daemon (Request::timeout) throws Error.
  std::string call(const Request& request);
  // As call(), but a 404 (no such object) is nullopt instead of an error.
  std::optional<std::string> call_if_found(const Request& request);
  // The response body piece by piece, as the daemon sends it.
  void call_stream(const Request& request, const std::function<void(std::string_view)>& on_data);
  // The request's head now, its body through the Upload (request.body and
  // body_stream are not used).
  std::unique_ptr<Upload> upload(const Request& request);
  // POST path upgraded to a raw stream (exec's stdin/stdout); the daemon may
  // stay silent for at most timeout at a time.
  std::unique_ptr<Hijacked> hijack(const std::string& path, const std::string& json_body,
                                   std::chrono::seconds timeout = std::chrono::seconds(600));

private:
  std::string uri(const Request& request);
  std::chrono::seconds limit(std::chrono::seconds wanted) const;
  Endpoint endpoint_;
  std::chrono::seconds limit_{0};
  std::mutex api_mutex_;
  std::string api_version_;
};

// Docker's filters={"label":["k=v",...]} query value.
std::string label_filter(const std::vector<std::string>& labels);

} // namespace dind::docker
