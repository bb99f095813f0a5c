#include "net/dns_probe.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace dind;
using namespace std::chrono_literals;

TEST_CASE("a DNS query is RFC 1035's: header, labels, type, class IN") {
  std::string q = net::dns_query(0x1234, "kubernetes.default.svc.cluster.local.", 1);
  std::string want("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
  want += "\x0a" "kubernetes" "\x07" "default" "\x03" "svc" "\x07" "cluster" "\x05" "local";
  want += std::string("\x00\x00\x01\x00\x01", 5);
  CHECK(q == want);
}

TEST_CASE("a reply answers its query only as a response with no error and a record") {
  std::string header("\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00", 12);
  CHECK(net::dns_reply_answers(header, 0x1234));
  CHECK_FALSE(net::dns_reply_answers(header, 0x1235));                         // another query's
  CHECK_FALSE(net::dns_reply_answers(header.substr(0, 11), 0x1234));           // cut short
  std::string nxdomain = header;
  nxdomain[3] = '\x83';
  CHECK_FALSE(net::dns_reply_answers(nxdomain, 0x1234));
  std::string empty = header;
  empty[7] = '\0';
  CHECK_FALSE(net::dns_reply_answers(empty, 0x1234));                          // no record
  std::string query = header;
  query[2] = '\x01';
  CHECK_FALSE(net::dns_reply_answers(query, 0x1234));                          // not a response
}

namespace {

// A one-shot DNS server on 127.0.0.1: answers the first question with one
// record (or NXDOMAIN) by echoing its header; the port it took.
struct FakeDns {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  uint16_t port = 0;
  std::thread thread;
  explicit FakeDns(bool answer) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this, answer] {
      char buf[512];
      sockaddr_in from{};
      socklen_t flen = sizeof from;
      ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
      if (n < 12) return;
      buf[2] = '\x81', buf[3] = answer ? '\x80' : '\x83';
      buf[7] = answer ? 1 : 0;
      ::sendto(fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), flen);
    });
  }
  ~FakeDns() {
    ::shutdown(fd, SHUT_RDWR);
    thread.join();
    ::close(fd);
  }
};

} // namespace

TEST_CASE("dns_answers on loopback: an answer, NXDOMAIN, a closed port") {
  auto lo = net::Address::parse("127.0.0.1");
  {
    FakeDns dns(true);
    CHECK(net::dns_answers(lo, "kubernetes.default.svc.cluster.local", 2000ms, dns.port));
  }
  {
    FakeDns dns(false);
    CHECK_FALSE(net::dns_answers(lo, "nope.cluster.local", 2000ms, dns.port));
  }
  // nothing listens: refused at once (port unreachable), not at the timeout
  uint16_t port;
  {
    FakeDns gone(true);
    port = gone.port;
  }
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(net::dns_answers(lo, "x.local", 5000ms, port));
  CHECK(std::chrono::steady_clock::now() - start < 4s);
}
