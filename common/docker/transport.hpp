#pragma once
#include "docker/endpoint.hpp"
#include "docker/tls.hpp"
#include "util/interrupt.hpp"

#include <chrono>

#include <memory>
#include <string>
#include <sys/types.h>

namespace Poco::Net { class StreamSocket; }

namespace dind::docker {

// One connection to the engine: a UNIX or TCP socket (TLS when asked), or for
// ssh:// one end of a socket pair whose other end is `ssh host docker system
// dial-stdio`, as the docker CLI does it.
class Connection {
public:
  Connection(std::unique_ptr<Poco::Net::StreamSocket> socket, pid_t ssh = -1, int ssh_stderr = -1);
  Connection(std::unique_ptr<Poco::Net::StreamSocket> socket, std::unique_ptr<TlsTunnel> tls);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Poco::Net::StreamSocket& socket() { return *socket_; }
  // Why the transport itself failed, when it can tell (ssh's last error line).
  std::string failure();
  // How long one send or receive may block before it fails (a hung daemon or node).
  void set_timeout(std::chrono::milliseconds timeout);

private:
  std::unique_ptr<TlsTunnel> tls_;  // outlives socket_: declared first
  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  pid_t ssh_ = -1;
  int ssh_stderr_ = -1;
  util::interrupt::Watch watch_;  // declared last: unregistered before the socket closes
};

// Throws Error naming the endpoint when it cannot connect.
std::unique_ptr<Connection> open_connection(const Endpoint& endpoint);

} // namespace dind::docker
