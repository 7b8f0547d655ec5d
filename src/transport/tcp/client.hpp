#pragma once
// berkeley_client's run: connect, HELLO, answer the master until BYE. Every wait has a deadline.
#include <iosfwd>

#include "core/run_status.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

// Progress (joined, each adjustment before/after, the end) goes to `out`, failures to `err`.
// Returns how the session ended: ok once the master said BYE.
[[nodiscard]] RunStatus run_client(const ClientConfig& config, std::ostream& out, std::ostream& err);

}  // namespace berkeley::tcp
