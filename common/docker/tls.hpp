#pragma once
#include "docker/endpoint.hpp"

#include <memory>
#include <string>
#include <thread>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace Poco::Net { class StreamSocket; }

namespace dind::docker {

// OpenSSL's oldest queued error as text, the queue emptied; if_none when
// there is none (the peer closed the connection).
std::string openssl_error(const std::string& if_none);

// TLS to a tcp:// engine, done with OpenSSL in a thread that relays between
// the TLS connection and a local socket pair. The HTTP code then sees a plain
// socket whose shutdown(SHUT_WR) becomes TLS close_notify: exec's end of stdin
// (Poco's TLS socket cannot half-close).
class TlsTunnel {
public:
  // Handshakes on the connected tcp socket, checks the daemon's certificate
  // and host name when verification is on; throws Error in one line otherwise.
  TlsTunnel(const Endpoint& endpoint, std::unique_ptr<Poco::Net::StreamSocket> tcp);
  ~TlsTunnel();
  TlsTunnel(const TlsTunnel&) = delete;
  TlsTunnel& operator=(const TlsTunnel&) = delete;
  // The local end, for the caller to own (a connected AF_UNIX stream socket).
  int take_local();

private:
  void relay();
  std::unique_ptr<Poco::Net::StreamSocket> tcp_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int local_ = -1;   // handed out
  int relay_ = -1;   // the relay thread's end
  std::thread thread_;
};

} // namespace dind::docker
