#include "transport/tcp/line_guard.hpp"

namespace berkeley::tcp {

void LineGuard::start(const SharedKey& key, const SessionNonce& session, Direction outgoing) {
  const Direction incoming =
      outgoing == Direction::client_to_master ? Direction::master_to_client : Direction::client_to_master;
  sealer_.emplace(key, session, outgoing);
  opener_.emplace(key, session, incoming);
}

std::string LineGuard::outgoing(std::string_view line) {
  if (!sealer_) return std::string(line);
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return sealer_->seal(line) + "\n";
}

LineOpener::Opened LineGuard::incoming(std::string_view line) {
  if (!opener_) return {std::string(line), ""};
  return opener_->open(line);
}

std::optional<std::string_view> unverified_body(std::string_view line) {
  const std::size_t mac_space = line.rfind(' ');
  if (mac_space == std::string_view::npos) return std::nullopt;
  const std::size_t seq_space = line.substr(0, mac_space).rfind(' ');
  if (seq_space == std::string_view::npos) return std::nullopt;
  return line.substr(0, seq_space);
}

}  // namespace berkeley::tcp
