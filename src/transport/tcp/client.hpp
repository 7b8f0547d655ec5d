#pragma once
// A client of a Berkeley synchronization over TCP (BERKELEY/1), for a C++ program that is not an MPI program:
// connect to a berkeley_master, HELLO, answer its polls and apply its adjustments until BYE. Every wait has a
// deadline (ClientConfig::timeout_ns, idle_timeout_ns).
//
//   berkeley::MonotonicClock local;                  // or any berkeley::Clock
//   berkeley::tcp::ClientConfig config;
//   config.port = 17117;                             // where berkeley_master listens
//   config.client_id = 3;                            // unique in the group
//   berkeley::tcp::Client client(config, local);
//   if (client.run(std::cout, std::cerr) == berkeley::RunStatus::ok) {
//     client.clock().now();                          // the group's time, int64 ns: local + the adjustments
//   }
//
// Nothing touches the OS clock: the corrections live in client.clock(), a CorrectedClock over `local`.
// See examples/tcp_client_example.cpp. berkeley_client is run_client below.
#include <cstdint>
#include <ostream>
#include <string>

#include "clock/corrected_clock.hpp"
#include "clock/monotonic_clock.hpp"
#include "core/run_status.hpp"
#include "transport/tcp/client_session.hpp"
#include "transport/tcp/session_config.hpp"

namespace berkeley::tcp {

class Client {
 public:
  // `local` is this program's clock before any adjustment; it must outlive the Client. config.clock is not
  // used (it is how berkeley_client chooses its clock).
  Client(ClientConfig config, const Clock& local);
  // The same, naming `local` in the "connected" line, and with the CLOCK_MONOTONIC `local` is built on (must
  // outlive the Client): a SimulatedClock over `reference` then gives its exact value at the instant a PROBE
  // names, instead of being read when that instant comes.
  Client(ClientConfig config, const Clock& local, const MonotonicClock& reference, std::string clock_name);
  Client(const Client&) = delete;  // the session and clock() refer to members and to `local`
  Client& operator=(const Client&) = delete;
  Client(Client&&) = delete;
  Client& operator=(Client&&) = delete;

  // The whole session: connect (retrying while refused, until timeout_ns), HELLO, answer until BYE.
  // Progress (joined, each adjustment before/after) goes to `out` unless config.quiet, failures to `err`.
  // Returns ok once the master said BYE; network_error or refused otherwise (messages as berkeley_client's).
  // Blocks until then. One session per Client: a second call throws std::logic_error.
  [[nodiscard]] RunStatus run(std::ostream& out, std::ostream& err);

  // `local` plus the adjustments applied so far (before run(): `local` itself), for as long as the Client and
  // `local` live, so also after the session. run() applies each ADJUST as it arrives, unsynchronized: another
  // thread reads clock() or rounds_adjusted() safely only once run() has returned.
  [[nodiscard]] const CorrectedClock& clock() const { return session_.clock(); }
  // ADJUST messages applied so far
  [[nodiscard]] std::int64_t rounds_adjusted() const { return session_.rounds_adjusted(); }

 private:
  RunStatus run_session(std::ostream& err);

  ClientConfig config_;
  std::string clock_name_;
  MonotonicClock own_reference_;     // the reference, unless the caller gave one
  const MonotonicClock& reference_;  // CLOCK_MONOTONIC: the clock a PROBE names its instant on
  std::ostream progress_;            // writes to run()'s `out` while it runs, discards otherwise
  ClientSession session_;
  bool ran_ = false;
};

// berkeley_client's run: the clock config.clock chooses (a simulated one is drawn from seed and client_id),
// then Client::run. Progress goes to `out`, failures to `err`; returns how the session ended.
[[nodiscard]] RunStatus run_client(const ClientConfig& config, std::ostream& out, std::ostream& err);

}  // namespace berkeley::tcp
