#include "net/dns_probe.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <unistd.h>

namespace dind::net {

namespace {

constexpr uint16_t type_a = 1, type_aaaa = 28;

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

uint16_t get16(const std::string& in, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(in[at]) << 8 | static_cast<uint8_t>(in[at + 1]));
}

// A socket closed on every path.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

} // namespace

std::string dns_query(uint16_t id, const std::string& name, uint16_t type) {
  std::string q;
  put16(q, id);
  put16(q, 0x0100);  // a standard query, recursion desired
  put16(q, 1);       // one question
  put16(q, 0), put16(q, 0), put16(q, 0);
  for (auto& label : util::split(name, '.')) {
    if (label.empty()) continue;  // a trailing dot
    if (label.size() > 63) throw Error("DNS name label longer than 63 bytes: " + label);
    q.push_back(static_cast<char>(label.size()));
    q += label;
  }
  q.push_back('\0');
  put16(q, type);
  put16(q, 1);  // class IN
  return q;
}

bool dns_reply_answers(const std::string& reply, uint16_t id) {
  if (reply.size() < 12 || get16(reply, 0) != id) return false;
  uint16_t flags = get16(reply, 2);
  bool response = flags & 0x8000;
  int rcode = flags & 0x000f;
  return response && rcode == 0 && get16(reply, 6) > 0;
}

bool dns_answers(const Address& server, const std::string& name, std::chrono::milliseconds timeout, uint16_t port) {
  bool v4 = server.family() == Family::v4;
  Fd s{::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return false;
  sockaddr_storage addr{};
  socklen_t len;
  if (v4) {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    std::copy_n(server.bytes().begin(), 4, reinterpret_cast<uint8_t*>(&a->sin_addr));
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    std::copy_n(server.bytes().begin(), 16, a->sin6_addr.s6_addr);
    len = sizeof *a;
  }
  // connected: a port-unreachable answer (kube-proxy's REJECT before it has
  // the endpoints) comes back as ECONNREFUSED instead of silence
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) return false;
  uint16_t id = static_cast<uint16_t>(std::random_device{}());
  std::string q = dns_query(id, name, v4 ? type_a : type_aaaa);
  if (::send(s.fd, q.data(), q.size(), 0) != static_cast<ssize_t>(q.size())) return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    std::string reply(512, '\0');
    ssize_t n = ::recv(s.fd, reply.data(), reply.size(), 0);
    if (n < 0) return false;
    reply.resize(static_cast<size_t>(n));
    if (dns_reply_answers(reply, id)) return true;
    if (reply.size() >= 12 && get16(reply, 0) == id) return false;  // answered: an error or no record
  }
}

} // namespace dind::net
