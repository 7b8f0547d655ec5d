#include "transport/tcp/client_link.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "core/duration_text.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
constexpr auto kConnectRetry = std::chrono::milliseconds(50);
}

ClientLink::ClientLink(IoDriver& io) : io_(io), socket_(io.context()) {}

std::optional<std::string> ClientLink::connect(const std::string& host, std::uint16_t port, SteadyTime deadline) {
  const std::string where = host + ":" + std::to_string(port);
  tcp::resolver resolver(io_.context());
  std::optional<error_code> resolved;
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(host, std::to_string(port), [&](const error_code& error, tcp::resolver::results_type results) {
    resolved = error;
    endpoints = std::move(results);
  });
  if (!io_.run_until(deadline, [&] { return resolved.has_value(); })) {
    resolver.cancel();
    return "cannot resolve '" + host + "' in time";
  }
  if (*resolved) return "cannot resolve '" + host + "': " + resolved->message();

  std::string last_error = "timed out";
  for (;;) {
    std::optional<error_code> connected;
    asio::async_connect(socket_, endpoints, [&](const error_code& error, const tcp::endpoint&) { connected = error; });
    if (!io_.run_until(deadline, [&] { return connected.has_value(); })) {
      error_code ignored;
      socket_.close(ignored);
      io_.run_until(deadline_after(std::chrono::milliseconds(100)), [&] { return connected.has_value(); });
      break;
    }
    if (!*connected) {
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      return std::nullopt;
    }
    last_error = connected->message();
    if (*connected != asio::error::connection_refused) return "cannot connect to " + where + ": " + last_error;
    // nobody listens yet (the master may start a moment later): try again shortly, within the deadline
    const SteadyTime retry_at = std::chrono::steady_clock::now() + kConnectRetry;
    if (retry_at >= deadline) break;
    std::this_thread::sleep_until(retry_at);
  }
  return "no master at " + where + " (last error: " + last_error + ")";
}

std::optional<std::string> ClientLink::send(const std::string& line, SteadyTime deadline) {
  std::optional<error_code> written;
  const std::string out = guard_.outgoing(line);  // sealed once a keyed session started
  asio::async_write(socket_, asio::buffer(out), [&](const error_code& error, std::size_t) { written = error; });
  if (!io_.run_until(deadline, [&] { return written.has_value(); })) {
    close();
    io_.run_until(deadline_after(std::chrono::milliseconds(100)), [&] { return written.has_value(); });
    return std::string("could not send within the timeout");
  }
  if (*written) return "send failed: " + written->message();
  return std::nullopt;
}

void ClientLink::expect_keyed_session(const SharedKey& key, const Nonce& own_nonce) {
  key_ = key;
  own_nonce_ = own_nonce;
  decoder_.set_max_line_bytes(kMaxSealedLineBytes);
}

Received ClientLink::take_line(std::string_view line) {
  auto bad = [](std::string why) { return Received{Received::Kind::bad, std::nullopt, std::move(why)}; };
  if (key_ && !guard_.active()) {
    // the master's first line: a refusal in the clear, or the CHALLENGE whose nonce the seal must cover
    ParseResult<MasterMessage> clear = parse_master_message(line);
    if (clear && (std::holds_alternative<Refused>(*clear.message) || std::holds_alternative<Error>(*clear.message))) {
      return Received{Received::Kind::message, std::move(clear.message), {}};
    }
    const std::optional<std::string_view> body = unverified_body(line);
    ParseResult<MasterMessage> challenge = body ? parse_master_message(*body) : ParseResult<MasterMessage>{};
    if (!challenge || !std::holds_alternative<Challenge>(*challenge.message)) {
      return bad(
          "the master did not answer our keyed HELLO with a sealed CHALLENGE (a master without the key, or "
          "not BERKELEY/2)");
    }
    guard_.start(*key_, SessionNonce{own_nonce_, std::get<Challenge>(*challenge.message).nonce},
                 Direction::client_to_master);
  }
  const LineOpener::Opened opened = guard_.incoming(line);
  if (!opened.body) return bad("authentication failed: " + opened.error);
  ParseResult<MasterMessage> parsed = parse_master_message(*opened.body);
  if (!parsed) return bad(parsed.error);
  return Received{Received::Kind::message, std::move(parsed.message), {}};
}

Received ClientLink::receive(SteadyTime deadline) {
  for (;;) {
    while (!unread_.empty()) {
      const LineStep step = decoder_.consume(unread_);
      unread_.remove_prefix(step.consumed);
      if (step.status == LineStatus::bad) return Received{Received::Kind::bad, std::nullopt, decoder_.error()};
      if (step.status == LineStatus::good) return take_line(decoder_.line());
    }
    std::optional<error_code> read_error;
    std::size_t read_bytes = 0;
    socket_.async_read_some(asio::buffer(buffer_), [&](const error_code& error, std::size_t bytes) {
      read_error = error;
      read_bytes = bytes;
    });
    if (!io_.run_until(deadline, [&] { return read_error.has_value(); })) {
      close();  // cancels the read; let its handler run before the locals it captured go away
      io_.run_until(deadline_after(std::chrono::milliseconds(100)), [&] { return read_error.has_value(); });
      return Received{Received::Kind::timeout, std::nullopt, {}};
    }
    if (*read_error) {
      const bool eof = *read_error == asio::error::eof || *read_error == asio::error::connection_reset;
      return Received{Received::Kind::closed, std::nullopt,
                      eof ? "the master closed the connection" : "connection error: " + read_error->message()};
    }
    unread_ = std::string_view(buffer_.data(), read_bytes);
  }
}

void ClientLink::close() {
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace berkeley::tcp
