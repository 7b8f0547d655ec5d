#include "transport/tcp/fd_limit.hpp"

#include <sys/resource.h>

namespace berkeley::tcp {

std::optional<std::string> ensure_descriptor_limit(std::uint64_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;  // cannot tell: try anyway
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= needed) return std::nullopt;
  if (limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return "needs " + std::to_string(needed) + " file descriptors, but the hard limit (ulimit -Hn) is " +
           std::to_string(limit.rlim_max);
  }
  limit.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return "needs " + std::to_string(needed) + " file descriptors and could not raise the soft limit (ulimit -n)";
  }
  return std::nullopt;
}

}  // namespace berkeley::tcp
