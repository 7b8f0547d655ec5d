#include "transport/tcp/lobby.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>

#include "core/duration_text.hpp"
#include "transport/tcp/auth_framing.hpp"
#include "transport/tcp/endpoint_text.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

MemberPlace place_of(const Member& member, const std::string& this_host,
                     const std::optional<std::string>& this_domain) {
  const bool loopback = member.connection->peer_is_loopback();
  MemberPlace place;
  place.host = loopback ? this_host : member.connection->peer_address();
  place.clock_domain = member.clock_domain ? member.clock_domain : loopback ? this_domain : std::nullopt;
  return place;
}

std::string this_host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr Nanoseconds kRefuseGrace{std::chrono::milliseconds(250)};
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
}  // namespace

Lobby::Lobby(IoDriver& io, const Clock& stamp_clock, std::ostream& log, LobbyConfig config)
    : io_(io),
      stamp_clock_(stamp_clock),
      log_(log),
      config_(config),
      acceptor_(io.context()),
      retry_timer_(io.context()) {}

Lobby::~Lobby() {
  error_code ignored;
  acceptor_.close(ignored);
  for (const auto& connection : pending_) {
    connection->stop_listening();
    connection->close_now("master exiting");
  }
  for (const Member& member : members_) {
    member.connection->stop_listening();
    member.connection->close_now("master exiting");
  }
}

std::optional<std::string> Lobby::listen(const std::string& address, std::uint16_t port) {
  error_code error;
  const asio::ip::address ip = asio::ip::make_address(address, error);
  if (error) return "'" + address + "' is not an IP address";
  const asio::ip::tcp::endpoint endpoint(ip, port);
  const std::string where = host_port_text(endpoint);
  if (acceptor_.open(endpoint.protocol(), error)) return "cannot open a socket for " + where + ": " + error.message();
  acceptor_.set_option(asio::socket_base::reuse_address(true), error);  // a restart may reuse the port at once
  if (acceptor_.bind(endpoint, error)) return "cannot listen on " + where + ": " + error.message();
  if (acceptor_.listen(asio::socket_base::max_listen_connections, error)) {
    return "cannot listen on " + where + ": " + error.message();
  }
  return std::nullopt;
}

std::uint16_t Lobby::port() const {
  error_code ignored;
  return acceptor_.local_endpoint(ignored).port();
}

std::string Lobby::endpoint_text() const {
  error_code ignored;
  return host_port_text(acceptor_.local_endpoint(ignored));
}

void Lobby::start_accepting(JoinObserver on_join) {
  on_join_ = std::move(on_join);
  accepting_ = true;
  accept_next();
}

void Lobby::accept_next() {
  acceptor_.async_accept([this](const error_code& error, asio::ip::tcp::socket socket) {
    if (!accepting_ || error == asio::error::operation_aborted) return;
    if (error) {
      // e.g. out of file descriptors: say so (once), and try again shortly (no spinning on a failing accept)
      if (!accept_failing_)
        log_ << "accept failed: " << error.message() << "; retrying every " << kAcceptRetry.count() << " ms\n";
      accept_failing_ = true;
      retry_timer_.expires_after(kAcceptRetry);
      retry_timer_.async_wait([this](const error_code& timer_error) {
        if (!timer_error && accepting_) accept_next();
      });
      return;
    }
    accept_failing_ = false;
    auto connection = std::make_shared<Connection>(std::move(socket), stamp_clock_, log_);
    if (pending_.size() >= config_.max_pending) {
      log_ << connection->label() << ": refused: " << pending_.size() << " connections are still to say HELLO\n";
      connection->start(nullptr);
      connection->finish(format_line(Refused{"too many connections waiting to say HELLO"}), kRefuseGrace);
    } else {
      pending_.insert(connection);
      connection->start([this](Connection& c) { on_message(c.shared_from_this()); });
      connection->arm_watchdog(config_.hello_timeout, "no HELLO within " + format_duration(config_.hello_timeout));
    }
    accept_next();  // at once: the next client does not wait for this one's HELLO
  });
}

void Lobby::on_message(const std::shared_ptr<Connection>& connection) {
  const bool pending = pending_.count(connection) != 0;
  if (connection->state() != Connection::State::open) {
    if (pending) pending_.erase(connection);
    challenged_.erase(connection);
    return;
  }
  std::deque<Inbound>& inbox = connection->inbox();
  if (pending) {
    if (inbox.empty()) return;
    const Inbound first = std::move(inbox.front());
    inbox.pop_front();
    if (challenged_.count(connection) != 0) {
      on_join(connection, first.message);
      return;
    }
    const auto* hello = std::get_if<Hello>(&first.message);
    if (hello != nullptr && config_.key) {
      on_keyed_hello(connection, *hello);
      return;
    }
    pending_.erase(connection);
    connection->disarm_watchdog();
    if (hello != nullptr && hello->nonce) {
      refuse(connection, connection->label() + " (client " + std::to_string(hello->client_id) + ")",
             "this master has no key: it speaks BERKELEY/1 only (a client with --key-file does not join it)");
    } else if (hello != nullptr) {
      admit(connection, *hello);
      if (!inbox.empty()) on_message(connection);  // what came with the HELLO is a member's message now
    } else if (const auto* error = std::get_if<Error>(&first.message)) {
      log_ << connection->label() << ": gave up before HELLO: " << error->reason << '\n';
      connection->close_now("gave up: " + error->reason);
    } else {
      connection->fail(std::string(command_name(first.message)) + " before HELLO");
    }
    return;
  }
  // a member: TIME and READING wait in the inbox for whoever asked; anything else is dealt with now
  for (const Inbound& in : inbox) {
    if (std::holds_alternative<Hello>(in.message)) {
      connection->fail("HELLO again after joining");
      return;
    }
    if (std::holds_alternative<Join>(in.message)) {
      connection->fail("JOIN again after joining");
      return;
    }
    if (const auto* error = std::get_if<Error>(&in.message)) {
      log_ << connection->label() << ": gave up: " << error->reason << '\n';
      connection->close_now("gave up: " + error->reason);
      return;
    }
  }
}

void Lobby::refuse(const std::shared_ptr<Connection>& connection, const std::string& who, const std::string& reason) {
  log_ << who << ": refused: " << reason << '\n';
  connection->finish(format_line(Refused{reason}), kRefuseGrace);
}

void Lobby::on_keyed_hello(const std::shared_ptr<Connection>& connection, const Hello& hello) {
  const std::string who = connection->label() + " (client " + std::to_string(hello.client_id) + ")";
  if (!hello.nonce) {
    pending_.erase(connection);
    connection->disarm_watchdog();
    refuse(connection, who,
           "this master requires BERKELEY/2: a shared key (--key-file) and a nonce in the HELLO; BERKELEY/1 is not "
           "taken here");
    return;
  }
  if (!connection->inbox().empty()) {  // sent before it could know our nonce: not of this session
    pending_.erase(connection);
    connection->fail("lines after HELLO before the CHALLENGE was answered");
    return;
  }
  connection->set_label(who);
  const SessionNonce session{*hello.nonce, random_nonce()};
  connection->seal_from_now(*config_.key, session);
  challenged_.emplace(connection, hello);
  connection->send(format_line(Challenge{session.master}));
  connection->disarm_watchdog();
  connection->arm_watchdog(config_.hello_timeout, "no JOIN within " + format_duration(config_.hello_timeout));
}

void Lobby::on_join(const std::shared_ptr<Connection>& connection, const ClientMessage& message) {
  const Hello hello = challenged_.at(connection);
  challenged_.erase(connection);
  pending_.erase(connection);
  connection->disarm_watchdog();
  if (!std::holds_alternative<Join>(message)) {
    connection->fail(std::string(command_name(message)) + " where JOIN was due");
    return;
  }
  // the JOIN verified (Connection opened it with the key): the client holds the key
  admit(connection, hello);
}

void Lobby::admit(const std::shared_ptr<Connection>& connection, const Hello& hello) {
  const std::string who = connection->label() + " (client " + std::to_string(hello.client_id) + ")";
  const bool taken =
      std::any_of(members_.begin(), members_.end(), [&](const Member& m) { return m.client_id == hello.client_id; });
  if (taken) {
    const std::string reason = "client id " + std::to_string(hello.client_id) + " has already joined";
    log_ << who << ": refused: " << reason << '\n';
    connection->finish(format_line(Refused{reason}), kRefuseGrace);
    return;
  }
  if (full()) {
    const std::string reason = "group full: " + std::to_string(members_.size()) + " of " +
                               std::to_string(config_.capacity) +
                               " clients joined (extra clients are refused, not queued)";
    log_ << who << ": refused: " << reason << '\n';
    connection->finish(format_line(Refused{reason}), kRefuseGrace);
    return;
  }
  connection->set_label("client " + std::to_string(hello.client_id) + " (" + connection->peer() + ")");
  members_.push_back(Member{hello.client_id, connection, hello.clock_domain});
  connection->send(format_line(Welcome{hello.client_id, config_.capacity, connection->sealed()}));
  if (on_join_) on_join_(members_.back(), static_cast<std::int64_t>(members_.size()));
}

void Lobby::close_all(const std::string& reason, Nanoseconds grace, bool as_error) {
  accepting_ = false;
  error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  for (const auto& connection : std::set<std::shared_ptr<Connection>>(pending_)) {
    connection->finish(format_line(Refused{"the master is closing"}), grace);
  }
  for (const Member& member : members_) {
    member.connection->finish(as_error ? format_line(Error{reason}) : format_line(Bye{reason}), grace);
  }
  const auto all_closed = [this] {
    const bool members_closed = std::all_of(members_.begin(), members_.end(), [](const Member& m) {
      return m.connection->state() == Connection::State::closed;
    });
    return members_closed && pending_.empty();
  };
  // bounded, and not cut short by a signal: after SIGINT/SIGTERM the peers are still told why
  io_.flush_until(deadline_after(grace + std::chrono::milliseconds(50)), all_closed);
}

}  // namespace berkeley::tcp
