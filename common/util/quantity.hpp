#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dind::util {

// Docker's spellings of a container's CPU and memory limits. Both throw
// UsageError naming `what` (the variable) for anything else.

// "1", "1.5", "0.25": CPUs as nano-CPUs (HostConfig.NanoCpus); at least
// Docker's 0.01, at most 9 decimals.
int64_t parse_cpus(std::string_view text, std::string_view what);
// "2g", "512m", "2048M", "1G", "1.5g", "2gb", "4GiB", "1073741824": bytes in
// units of 1024 (HostConfig.Memory). At least min_bytes.
int64_t parse_memory(std::string_view text, std::string_view what, int64_t min_bytes);

// Back to the short spelling: 1500000000 -> "1.5", 2147483648 -> "2g".
std::string format_cpus(int64_t nano_cpus);
std::string format_memory(int64_t bytes);

} // namespace dind::util
