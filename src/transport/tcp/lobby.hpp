#pragma once
// Where clients join: the listening socket and every connection. Accepts concurrently (a connection that
// is slow to say HELLO delays no one else), admits up to `capacity` clients with distinct ids, refuses the
// rest with a REFUSED line. Policy: a client beyond the capacity is refused, never queued for later.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "transport/tcp/connection.hpp"
#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/key_file.hpp"

namespace berkeley::tcp {

struct Member {
  std::int64_t client_id = 0;
  std::shared_ptr<Connection> connection;
  std::optional<std::string> clock_domain = std::nullopt;  // as its HELLO stated it
};

// Where a member runs, as the master reports it: a host is an address (two clients from one machine are one
// host, whatever their ports), and the clock is the one its HELLO stated; one that did not say but came over
// loopback runs on this kernel (this_host, this_domain: the master's own).
struct MemberPlace {
  std::string host;
  std::optional<std::string> clock_domain;
};
[[nodiscard]] MemberPlace place_of(const Member& member, const std::string& this_host,
                                   const std::optional<std::string>& this_domain);
// this machine's host name ("localhost" where it has none)
[[nodiscard]] std::string this_host_name();

struct LobbyConfig {
  std::int64_t capacity = 1;                           // clients to admit
  Nanoseconds hello_timeout{std::chrono::seconds(1)};  // a new connection must say HELLO within this
  std::size_t max_pending = 1024;                      // connections that have not said HELLO yet
  // set: every client must join keyed (BERKELEY/2: HELLO with its nonce, CHALLENGE with ours, a sealed JOIN
  // that proves the key; every line after sealed); a BERKELEY/1 HELLO is refused. Unset: BERKELEY/1 only.
  std::optional<SharedKey> key = std::nullopt;
};

class Lobby {
 public:
  using JoinObserver = std::function<void(const Member&, std::int64_t joined)>;

  Lobby(IoDriver& io, const Clock& stamp_clock, std::ostream& log, LobbyConfig config);
  ~Lobby();
  Lobby(const Lobby&) = delete;
  Lobby& operator=(const Lobby&) = delete;

  // Binds and listens; on failure returns one line saying why (address in use, not an address here...).
  [[nodiscard]] std::optional<std::string> listen(const std::string& address, std::uint16_t port);
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string endpoint_text() const;  // "127.0.0.1:40123", "[::1]:40123"

  void start_accepting(JoinObserver on_join);

  [[nodiscard]] bool full() const { return static_cast<std::int64_t>(members_.size()) >= config_.capacity; }
  // admitted clients in the order they joined; a member that went away stays (its connection is closed)
  [[nodiscard]] const std::vector<Member>& members() const { return members_; }

  // Ends the session: BYE (with `reason`) to every open member, refuses pending connections, stops
  // accepting; returns once every connection closed or `grace` passed.
  void close_all(const std::string& reason, Nanoseconds grace, bool as_error);

 private:
  void accept_next();
  void on_message(const std::shared_ptr<Connection>& connection);
  void admit(const std::shared_ptr<Connection>& connection, const Hello& hello);
  // keyed: the first line of a pending connection (a HELLO is answered with CHALLENGE) and the next (JOIN)
  void on_keyed_hello(const std::shared_ptr<Connection>& connection, const Hello& hello);
  void on_join(const std::shared_ptr<Connection>& connection, const ClientMessage& message);
  void refuse(const std::shared_ptr<Connection>& connection, const std::string& who, const std::string& reason);

  IoDriver& io_;
  const Clock& stamp_clock_;
  std::ostream& log_;
  LobbyConfig config_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  JoinObserver on_join_;
  std::vector<Member> members_;
  std::set<std::shared_ptr<Connection>> pending_;
  std::map<std::shared_ptr<Connection>, Hello> challenged_;  // keyed: CHALLENGE sent, JOIN awaited
  bool accepting_ = false;
  bool accept_failing_ = false;  // log a failing accept once, not at every retry
};

}  // namespace berkeley::tcp
