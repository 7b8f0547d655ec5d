#include "transport/tcp/connection.hpp"

#include <boost/asio/write.hpp>
#include <ostream>

#include "transport/tcp/endpoint_text.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr Nanoseconds kFailGrace{std::chrono::milliseconds(250)};
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, const Clock& stamp_clock, std::ostream& log)
    : socket_(std::move(socket)),
      watchdog_(socket_.get_executor()),
      grace_(socket_.get_executor()),
      stamp_clock_(stamp_clock),
      log_(log) {
  error_code ignored;
  const asio::ip::tcp::endpoint remote = socket_.remote_endpoint(ignored);
  peer_ = ignored ? "unknown peer" : host_port_text(remote);
  peer_address_ = ignored ? "unknown peer" : remote.address().to_string();
  loopback_ = !ignored && remote.address().is_loopback();
  label_ = "connection from " + peer_;
  // small request/reply lines: send each at once (no Nagle delay inside a measured round trip)
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
}

void Connection::start(Listener listener) {
  listener_ = std::move(listener);
  read_more();
}

void Connection::read_more() {
  socket_.async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const error_code& error, std::size_t bytes) { self->on_read(error, bytes); });
}

void Connection::on_read(const error_code& error, std::size_t bytes) {
  if (state_ == State::closed) return;
  // stamp first: the receive time of an exchange is when the bytes came in, not when we looked at them
  const ClockReading stamp = stamp_clock_.now();
  if (error) {
    const bool eof = error == asio::error::eof || error == asio::error::connection_reset;
    if (state_ == State::open)
      log_ << label_ << ": " << (eof ? "disconnected" : "connection error: " + error.message()) << '\n';
    close_now(eof ? "disconnected" : "connection error: " + error.message());
    return;
  }
  if (state_ == State::closing) {  // lingering: discard whatever still comes
    read_more();
    return;
  }
  const std::size_t before = inbox_.size();
  take_lines(std::string_view(read_buffer_.data(), bytes), stamp);
  if (state_ != State::closed) read_more();  // after a failure too: lingering reads let the peer see our ERROR
  if (inbox_.size() != before) notify();
}

// false once the connection failed
bool Connection::take_lines(std::string_view bytes, ClockReading stamp) {
  while (!bytes.empty()) {
    const LineStep step = decoder_.consume(bytes);
    bytes.remove_prefix(step.consumed);
    if (step.status == LineStatus::need_more) return true;
    if (step.status == LineStatus::bad) {
      fail(decoder_.error());
      return false;
    }
    const LineOpener::Opened opened = guard_.incoming(decoder_.line());
    if (!opened.body) {
      fail("authentication failed: " + opened.error);
      return false;
    }
    ParseResult<ClientMessage> parsed = parse_client_message(*opened.body);
    if (!parsed) {
      fail(parsed.error);
      return false;
    }
    if (inbox_.size() >= kMaxInbox) {
      fail("sent more than " + std::to_string(kMaxInbox) + " messages nobody asked for");
      return false;
    }
    inbox_.push_back(Inbound{std::move(*parsed.message), stamp});
  }
  return true;
}

void Connection::seal_from_now(const SharedKey& key, const SessionNonce& session) {
  guard_.start(key, session, Direction::master_to_client);
  decoder_.set_max_line_bytes(kMaxSealedLineBytes);
}

void Connection::send(std::string line) {
  if (state_ != State::open) return;
  const bool idle = outbox_.empty();  // else a write is under way, and write_next() follows it
  outbox_.push_back(guard_.outgoing(line));
  if (idle) write_next();
}

// Writes the front of the outbox; a line stays there until it is written, so the outbox is empty exactly
// when no write is under way (while the connection is open or closing).
void Connection::write_next() {
  if (outbox_.empty()) {
    if (state_ == State::closing) {
      error_code ignored;
      socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);  // the peer reads our last line, then EOF
    }
    return;
  }
  asio::async_write(socket_, asio::buffer(outbox_.front()),
                    [self = shared_from_this()](const error_code& error, std::size_t) {
                      if (self->state_ == State::closed) return;
                      if (error) {
                        if (self->state_ == State::open)
                          self->log_ << self->label_ << ": write failed: " << error.message() << '\n';
                        self->close_now("write failed: " + error.message());
                        return;
                      }
                      self->outbox_.pop_front();
                      self->write_next();
                    });
}

void Connection::finish(std::string last_line, Nanoseconds grace, std::string reason) {
  if (state_ != State::open) return;
  const bool idle = outbox_.empty();
  outbox_.push_back(guard_.outgoing(last_line));
  state_ = State::closing;
  close_reason_ = std::move(reason);
  inbox_.clear();
  disarm_watchdog();
  if (idle) write_next();
  grace_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace));
  grace_.async_wait([self = shared_from_this()](const error_code& error) {
    if (!error) self->close_now(self->close_reason_);
  });
  notify();
}

void Connection::fail(const std::string& reason) {
  if (state_ != State::open) return;
  log_ << label_ << ": dropped: " << reason << '\n';
  finish(format_line(Error{reason}), kFailGrace, "dropped: " + reason);
}

void Connection::arm_watchdog(Nanoseconds limit, std::string reason) {
  watchdog_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit));
  watchdog_.async_wait([self = shared_from_this(), reason = std::move(reason)](const error_code& error) {
    if (!error) self->fail(reason);
  });
}

void Connection::disarm_watchdog() { watchdog_.cancel(); }

void Connection::close_now(const std::string& reason) {
  if (state_ == State::closed) return;
  if (state_ == State::open || close_reason_.empty()) close_reason_ = reason;
  state_ = State::closed;
  error_code ignored;
  watchdog_.cancel();
  grace_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  outbox_.clear();
  notify();
}

void Connection::notify() {
  if (listener_) listener_(*this);
}

}  // namespace berkeley::tcp
