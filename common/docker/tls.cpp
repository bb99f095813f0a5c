#include "docker/tls.hpp"

#include "util/error.hpp"

#include <Poco/Net/StreamSocket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dind::docker {

std::string openssl_error(const std::string& if_none) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return if_none;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

namespace {

std::string openssl_error() { return docker::openssl_error("connection closed during the handshake"); }

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// All of data to a blocking fd; false when the other side is gone.
bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

constexpr int handshake_seconds = 30;

} // namespace

TlsTunnel::TlsTunnel(const Endpoint& e, std::unique_ptr<Poco::Net::StreamSocket> tcp) : tcp_(std::move(tcp)) {
  std::string where = "TLS with the Docker daemon at " + e.text + " failed: ";
  tcp_->setBlocking(true);
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ctx_) throw Error(where + openssl_error());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  if (e.tls.verify) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(ctx_, e.tls.ca.c_str(), nullptr) != 1) throw Error(where + e.tls.ca + ": " + openssl_error());
  }
  if (!e.tls.cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx_, e.tls.cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, e.tls.key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx_) != 1) {
      throw Error(where + "client certificate " + e.tls.cert + ": " + openssl_error());
    }
  }
  ssl_ = SSL_new(ctx_);
  // after a TLS 1.3 ticket, SSL_read returns rather than blocking: the relay must not stall
  SSL_clear_mode(ssl_, SSL_MODE_AUTO_RETRY);
  if (is_ip(e.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), e.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, e.host.c_str());
    SSL_set1_host(ssl_, e.host.c_str());
  }
  SSL_set_fd(ssl_, tcp_->impl()->sockfd());
  // a daemon that accepts and never answers must not hang the handshake
  tcp_->setReceiveTimeout(Poco::Timespan(handshake_seconds, 0));
  tcp_->setSendTimeout(Poco::Timespan(handshake_seconds, 0));
  int connected = SSL_connect(ssl_);
  tcp_->setReceiveTimeout(Poco::Timespan(0, 0));
  tcp_->setSendTimeout(Poco::Timespan(0, 0));
  if (connected != 1) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) throw Error(where + "no handshake within " + std::to_string(handshake_seconds) + "s");
    long v = SSL_get_verify_result(ssl_);
    throw Error(where + (v != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(v) : openssl_error()) +
                (e.tls.verify ? " (CA " + e.tls.ca + ")" : ""));
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw Error(where + std::strerror(errno));
  local_ = sv[0];
  relay_ = sv[1];
  thread_ = std::thread([this] { relay(); });
}

TlsTunnel::~TlsTunnel() {
  if (thread_.joinable()) {
    // wakes the relay whatever it waits for
    ::shutdown(relay_, SHUT_RDWR);
    ::shutdown(tcp_->impl()->sockfd(), SHUT_RDWR);
    thread_.join();
  }
  if (relay_ >= 0) ::close(relay_);
  if (local_ >= 0) ::close(local_);
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
}

int TlsTunnel::take_local() {
  int fd = local_;
  local_ = -1;
  return fd;
}

void TlsTunnel::relay() {
  int net = tcp_->impl()->sockfd();
  bool local_open = true;  // the HTTP side still sends
  char buf[16384];
  for (;;) {
    if (SSL_pending(ssl_) == 0) {
      pollfd p[2] = {{net, POLLIN, 0}, {relay_, static_cast<short>(local_open ? POLLIN : 0), 0}};
      if (::poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (local_open && (p[1].revents & (POLLIN | POLLHUP))) {
        ssize_t n = ::recv(relay_, buf, sizeof buf, 0);
        if (n > 0) {
          if (SSL_write(ssl_, buf, static_cast<int>(n)) <= 0) break;
          continue;
        }
        // end of the request side: close_notify, keep reading the answer
        local_open = false;
        SSL_shutdown(ssl_);
        continue;
      }
      if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    }
    int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) {
      if (!write_all(relay_, buf, static_cast<size_t>(n))) break;
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) continue;
    break;  // the daemon closed (close_notify or EOF) or the connection broke
  }
  ::shutdown(relay_, SHUT_WR);
}

} // namespace dind::docker
