#pragma once
#include "net/cidr.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace dind::net {

// One question to a DNS server over UDP: whether it answers `name` with at
// least one record (A from an IPv4 server, AAAA from an IPv6 one) within
// `timeout`. A refused or silent server is false, never an exception: callers
// ask again.
bool dns_answers(const Address& server, const std::string& name, std::chrono::milliseconds timeout, uint16_t port = 53);

// The query's bytes (RFC 1035: header, one question, recursion desired).
std::string dns_query(uint16_t id, const std::string& name, uint16_t type);
// Whether `reply` answers query `id`: a response, no error, one record or more.
bool dns_reply_answers(const std::string& reply, uint16_t id);

} // namespace dind::net
