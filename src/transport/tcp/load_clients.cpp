#include "transport/tcp/load_clients.hpp"

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <ostream>
#include <vector>

#include "clock/clock_choice.hpp"
#include "clock/monotonic_clock.hpp"
#include "transport/tcp/client_session.hpp"
#include "transport/tcp/io_driver.hpp"
#include "transport/tcp/line_decoder.hpp"
#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// One simulated client on the shared loop.
class LoadConnection {
 public:
  LoadConnection(asio::io_context& io, std::int64_t id, const LoadConfig& config, const Clock& reference,
                 std::ostream& discard, std::int64_t& ended)
      : socket_(io),
        ended_(ended),
        clock_(make_clock(config.clock, static_cast<std::uint64_t>(id), reference)),
        session_(id, *clock_, reference, config.timeout_ns, discard) {}

  void start(const tcp::endpoint& master) {
    socket_.async_connect(master, [this](const error_code& error) {
      if (error) return end("connect: " + error.message());
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      send(session_.hello_line());
      read_more();
    });
  }

  [[nodiscard]] bool over() const { return over_; }
  [[nodiscard]] const std::string& failure() const { return failure_; }

 private:
  void read_more() {
    socket_.async_read_some(asio::buffer(buffer_), [this](const error_code& error, std::size_t bytes) {
      if (over_) return;
      if (error) return end(session_.state() == SessionState::finished ? "" : "closed without BYE: " + error.message());
      std::string_view data(buffer_.data(), bytes);
      while (!data.empty() && !over_) {
        const LineStep step = decoder_.consume(data);
        data.remove_prefix(step.consumed);
        if (step.status == LineStatus::need_more) break;
        if (step.status == LineStatus::bad) return end("bad line from the master: " + decoder_.error());
        const ParseResult<MasterMessage> parsed = parse_master_message(decoder_.line());
        if (!parsed) return end("bad message from the master: " + parsed.error);
        const SessionStep reply = session_.on_message(*parsed.message);
        if (reply.reply) send(*reply.reply);
        if (reply.state == SessionState::finished) return end("");
        if (reply.state == SessionState::refused || reply.state == SessionState::failed) return end(reply.note);
      }
      read_more();
    });
  }

  void send(std::string line) {
    outbox_.push_back(std::move(line));
    if (outbox_.size() == 1) write_next();
  }

  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()), [this](const error_code& error, std::size_t) {
      if (error) return end("write: " + error.message());
      outbox_.pop_front();
      if (!outbox_.empty()) write_next();
    });
  }

  void end(std::string failure) {
    if (over_) return;
    over_ = true;
    ++ended_;
    failure_ = std::move(failure);
    error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  std::int64_t& ended_;  // sessions over, shared by all
  std::unique_ptr<Clock> clock_;
  ClientSession session_;
  LineDecoder decoder_;
  std::array<char, 512> buffer_{};
  std::deque<std::string> outbox_;
  bool over_ = false;
  std::string failure_;
};

}  // namespace

LoadOutcome run_load_clients(const LoadConfig& config, Nanoseconds limit) {
  IoDriver io;
  std::ostream discard(nullptr);  // no buffer: the sessions' progress lines are discarded
  const MonotonicClock reference{};
  error_code error;
  const tcp::endpoint master(asio::ip::make_address(config.host, error), config.port);
  LoadOutcome outcome;
  if (error) {
    outcome.failed = config.count;
    outcome.first_failure = "'" + config.host + "' is not an IP address";
    return outcome;
  }
  std::int64_t ended = 0;
  std::vector<std::unique_ptr<LoadConnection>> clients;
  clients.reserve(static_cast<std::size_t>(config.count));
  for (std::int64_t i = 0; i < config.count; ++i) {
    clients.push_back(
        std::make_unique<LoadConnection>(io.context(), config.first_id + i, config, reference, discard, ended));
    clients.back()->start(master);
  }
  io.run_until(deadline_after(limit), [&] { return ended == config.count; });
  for (const auto& c : clients) {
    if (c->over() && c->failure().empty()) {
      ++outcome.finished;
    } else {
      ++outcome.failed;
      if (outcome.first_failure.empty())
        outcome.first_failure = c->over() ? c->failure() : "still running at the time limit";
    }
  }
  return outcome;
}

}  // namespace berkeley::tcp
