#pragma once
#include <cstddef>
#include <functional>

namespace dind::util {

// Runs f(i) for i in [0, n) on threads of its own; rethrows the first failure
// once every call returned.
void parallel(size_t n, const std::function<void(size_t)>& f);

} // namespace dind::util
