#include "transport/tcp/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <limits>

namespace berkeley::tcp {

std::uint64_t raise_descriptor_limit(std::uint64_t wanted) {
  constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;  // cannot tell: assume it is fine
  if (limit.rlim_cur == RLIM_INFINITY) return kUnlimited;
  if (limit.rlim_cur >= wanted) return limit.rlim_cur;
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, limit.rlim_max);
  rlimit raised = limit;
  raised.rlim_cur = target;
  return setrlimit(RLIMIT_NOFILE, &raised) == 0 ? target : limit.rlim_cur;
}

}  // namespace berkeley::tcp
