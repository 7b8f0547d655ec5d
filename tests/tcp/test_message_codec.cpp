// The grammar of BERKELEY/1: every message round-trips; malformed lines, unknown commands, wrong versions
// and numbers out of range are refused with a reason that names the bad field, never half-parsed.
#include <gtest/gtest.h>

#include <limits>

#include "transport/tcp/message_codec.hpp"

namespace berkeley::tcp {
namespace {

std::string without_newline(std::string line) {
  EXPECT_EQ(line.back(), '\n');
  line.pop_back();
  return line;
}

template <typename Message>
Message client_round_trip(const Message& message) {
  const std::string line = without_newline(format_line(message));
  const ParseResult<ClientMessage> parsed = parse_client_message(line);
  EXPECT_TRUE(parsed) << line << ": " << parsed.error;
  return std::get<Message>(*parsed.message);
}

template <typename Message>
Message master_round_trip(const Message& message) {
  const std::string line = without_newline(format_line(message));
  const ParseResult<MasterMessage> parsed = parse_master_message(line);
  EXPECT_TRUE(parsed) << line << ": " << parsed.error;
  return std::get<Message>(*parsed.message);
}

void expect_client_error(std::string_view line, std::string_view must_contain) {
  const ParseResult<ClientMessage> parsed = parse_client_message(line);
  EXPECT_FALSE(parsed) << line;
  EXPECT_NE(parsed.error.find(must_contain), std::string::npos) << "'" << line << "': " << parsed.error;
}

void expect_master_error(std::string_view line, std::string_view must_contain) {
  const ParseResult<MasterMessage> parsed = parse_master_message(line);
  EXPECT_FALSE(parsed) << line;
  EXPECT_NE(parsed.error.find(must_contain), std::string::npos) << "'" << line << "': " << parsed.error;
}

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(MessageCodec, TheExampleSessionLines) {
  EXPECT_EQ(format_line(Hello{3}), "HELLO BERKELEY/1 3\n");
  EXPECT_EQ(format_line(Welcome{3, 3}), "WELCOME BERKELEY/1 3 3\n");
  EXPECT_EQ(format_line(Poll{17}), "POLL 17\n");
  EXPECT_EQ(format_line(TimeReply{17, at_ns(1398488527196)}), "TIME 17 1398488527196\n");
  EXPECT_EQ(format_line(Adjust{1, Nanoseconds{-290994997}}), "ADJUST 1 -290994997\n");
  EXPECT_EQ(format_line(Probe{1398776237716}), "PROBE 1398776237716\n");
  EXPECT_EQ(format_line(Reading{5, at_ns(6), at_ns(-7), Nanoseconds{8}}), "READING 5 6 -7 8\n");
  EXPECT_EQ(format_line(Bye{"2 round(s) done"}), "BYE 2 round(s) done\n");
}

TEST(MessageCodec, EveryMessageRoundTripsWithItsSign) {
  EXPECT_EQ(client_round_trip(Hello{1'000'000}).client_id, 1'000'000);
  EXPECT_EQ(client_round_trip(TimeReply{kMax, at_ns(kMin)}).clock_ns, at_ns(kMin));
  EXPECT_EQ(client_round_trip(TimeReply{1, at_ns(-1)}).clock_ns, at_ns(-1));
  const Reading r = client_round_trip(Reading{0, at_ns(kMax), at_ns(-3), Nanoseconds{1'000'000'000}});
  EXPECT_EQ(r.corrected_ns, at_ns(-3));
  EXPECT_EQ(master_round_trip(Adjust{2, -kMaxAdjustment}).delta_ns, -kMaxAdjustment);  // the sign survives
  EXPECT_EQ(master_round_trip(Adjust{2, Nanoseconds{-1}}).delta_ns, Nanoseconds{-1});
  EXPECT_EQ(master_round_trip(Adjust{2, Nanoseconds{1}}).delta_ns, Nanoseconds{1});
  EXPECT_EQ(master_round_trip(Welcome{9, kMaxClients}).clients, kMaxClients);
  EXPECT_EQ(master_round_trip(Refused{"group full: 3 of 3"}).reason, "group full: 3 of 3");
  EXPECT_EQ(master_round_trip(Error{""}).reason, "");
  EXPECT_EQ(client_round_trip(Error{"giving up"}).reason, "giving up");
  EXPECT_EQ(master_round_trip(Probe{kMax}).instant_ns, kMax);
}

TEST(MessageCodec, MalformedLines) {
  expect_client_error("", "empty line");
  expect_client_error("HELLO  BERKELEY/1 3", "empty field");
  expect_client_error(" HELLO BERKELEY/1 3", "empty field");
  expect_client_error("HELLO BERKELEY/1 3 ", "empty field");
  expect_client_error("HELLO BERKELEY/1", "HELLO takes 2 or 3 fields");
  expect_client_error("HELLO BERKELEY/1 3 a b", "HELLO takes 2 or 3 fields");
  expect_client_error("TIME 1", "TIME takes 2 field(s)");
  expect_client_error("TIME 1 2 3", "TIME takes 2 field(s)");
  expect_client_error("TIME one 2", "seq 'one' is not a decimal integer");
  expect_client_error("TIME 1 +5", "clock_ns '+5' is not a decimal integer");
  expect_client_error("TIME 1 05", "'05' is not a decimal integer");
  expect_client_error("TIME 1 -0", "'-0' is not a decimal integer");
  expect_client_error("TIME 1 1.5", "'1.5' is not a decimal integer");
  expect_client_error("TIME 1 1e9", "'1e9' is not a decimal integer");
  expect_client_error("TIME 1 -", "'-' is not a decimal integer");
  expect_master_error("ADJUST 1", "ADJUST takes 2 field(s)");
  expect_master_error("POLL", "POLL takes 1 field(s)");
}

TEST(MessageCodec, AProbeMayGiveTheTimeLeftForAClientOnAnotherClock) {
  EXPECT_EQ(format_line(Probe{1398776237716, 20'000'000}), "PROBE 1398776237716 20000000\n");
  const Probe with_delay = master_round_trip(Probe{5, kMaxProbeDelay.count()});
  EXPECT_EQ(with_delay.instant_ns, 5);
  EXPECT_EQ(with_delay.delay_ns, std::optional(kMaxProbeDelay.count()));
  EXPECT_FALSE(master_round_trip(Probe{5}).delay_ns.has_value());
  expect_master_error("PROBE 5 -1", "delay_ns");
  expect_master_error("PROBE 5 " + std::to_string(kMaxProbeDelay.count() + 1), "delay_ns");
  expect_master_error("PROBE 5 6 7", "PROBE takes 1 or 2 fields");
  expect_master_error("PROBE", "PROBE takes 1 or 2 fields");
}

TEST(MessageCodec, AHelloMayNameTheClientsClockDomain) {
  const std::string boot_id = "66d41bdf-86bf-4bda-a7d3-e390902d7bb5";
  EXPECT_EQ(format_line(Hello{3, boot_id}), "HELLO BERKELEY/1 3 " + boot_id + "\n");
  EXPECT_EQ(client_round_trip(Hello{3, boot_id + "+-5.0"}).clock_domain, boot_id + "+-5.0");
  EXPECT_FALSE(client_round_trip(Hello{3}).clock_domain.has_value());  // BERKELEY/1 clients without it still join
  expect_client_error("HELLO BERKELEY/1 3 boot/id", "clock domain 'boot/id' is not 1-80 characters of [0-9a-zA-Z.+-]");
  expect_client_error("HELLO BERKELEY/1 3 " + std::string(81, 'a'), "is not 1-80 characters");
}

TEST(MessageCodec, UnknownAndMisdirectedCommands) {
  expect_client_error("GET / HTTP/1.1", "unknown command 'GET'");
  expect_client_error("hello BERKELEY/1 3", "unknown command 'hello'");  // commands are upper case
  expect_client_error("POLL 1", "unexpected command 'POLL' (a master's command)");
  expect_master_error("TIME 1 2", "unexpected command 'TIME' (a client's command)");
  expect_master_error("SETTIME 5", "unknown command 'SETTIME'");
  expect_client_error(std::string(200, 'Z'), "unknown command 'ZZZZ");
}

TEST(MessageCodec, WrongVersion) {
  expect_client_error("HELLO BERKELEY/3 3",
                      "version 'BERKELEY/3' not supported (this side speaks BERKELEY/1 and BERKELEY/2)");
  expect_client_error("HELLO BERKELEY/10 3", "not supported");
  expect_client_error("HELLO HTTP/1.1 3", "'HTTP/1.1' is not a protocol version (BERKELEY/1 and BERKELEY/2 expected)");
  expect_client_error("HELLO berkeley/1 3", "is not a protocol version");
  expect_master_error("WELCOME BERKELEY/0 3 3", "not supported");
}

TEST(MessageCodec, NumbersOutOfRange) {
  expect_client_error("TIME 1 9223372036854775808", "out of range (does not fit in int64)");
  expect_client_error("TIME 1 -9223372036854775809", "out of range (does not fit in int64)");
  expect_client_error("TIME 1 99999999999999999999999999", "does not fit in int64");
  expect_client_error("TIME 0 5", "seq '0' is out of range 1..");
  expect_client_error("TIME -1 5", "seq '-1' is out of range");
  expect_client_error("HELLO BERKELEY/1 0", "id '0' is out of range 1..1000000");
  expect_client_error("HELLO BERKELEY/1 1000001", "id '1000001' is out of range");
  expect_client_error("READING 1 2 3 -1", "window_ns '-1' is out of range");
  expect_client_error("READING 1 2 3 1000000001", "window_ns '1000000001' is out of range");
  expect_client_error("READING -1 2 3 4", "instant_ns '-1' is out of range");
  // an adjustment beyond two days is never applied: the client refuses it at the parser
  expect_master_error("ADJUST 1 172800000000001", "delta_ns '172800000000001' is out of range");
  expect_master_error("ADJUST 1 -172800000000001", "delta_ns '-172800000000001' is out of range");
  expect_master_error("ADJUST 0 5", "round '0' is out of range");
  expect_master_error("WELCOME BERKELEY/1 3 0", "clients '0' is out of range");
}

TEST(MessageCodec, FreeTextIsBoundedAndPrintable) {
  const std::string line = format_line(Error{std::string(1000, 'x') + "\n\x01"});
  EXPECT_LE(line.size(), kMaxLineBytes + 1);
  EXPECT_EQ(line.find('\x01'), std::string::npos);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(format_line(Bye{"a\tb"}), "BYE a?b\n");
  EXPECT_EQ(std::get<Bye>(*parse_master_message("BYE").message).reason, "");
}

TEST(MessageCodec, CommandNamesForLogLines) {
  EXPECT_EQ(command_name(ClientMessage{TimeReply{}}), "TIME");
  EXPECT_EQ(command_name(MasterMessage{Probe{}}), "PROBE");
  EXPECT_EQ(command_name(ClientMessage{Join{}}), "JOIN");
  EXPECT_EQ(command_name(MasterMessage{Challenge{}}), "CHALLENGE");
}

// BERKELEY/2 (keyed): the HELLO carries the client's nonce, CHALLENGE the master's, JOIN nothing; WELCOME says
// which protocol it welcomes to. A nonce is exactly 32 lowercase hex digits.
TEST(MessageCodec, TheKeyedMessagesRoundTrip) {
  Nonce nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<unsigned char>(0xa0 + i);
  const std::string hex = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
  EXPECT_EQ(format_line(Hello{4, std::nullopt, nonce}), "HELLO BERKELEY/2 4 " + hex + "\n");
  EXPECT_EQ(format_line(Hello{4, "boot-1", nonce}), "HELLO BERKELEY/2 4 " + hex + " boot-1\n");
  const Hello keyed = client_round_trip(Hello{4, "boot-1", nonce});
  EXPECT_EQ(keyed.nonce, nonce);
  EXPECT_EQ(keyed.clock_domain, "boot-1");
  EXPECT_EQ(client_round_trip(Hello{4}).nonce, std::nullopt);
  EXPECT_EQ(format_line(Challenge{nonce}), "CHALLENGE " + hex + "\n");
  EXPECT_EQ(master_round_trip(Challenge{nonce}).nonce, nonce);
  EXPECT_EQ(format_line(Join{}), "JOIN\n");
  (void)client_round_trip(Join{});
  EXPECT_EQ(format_line(Welcome{4, 2, true}), "WELCOME BERKELEY/2 4 2\n");
  EXPECT_TRUE(master_round_trip(Welcome{4, 2, true}).keyed);
  EXPECT_FALSE(master_round_trip(Welcome{4, 2}).keyed);

  expect_client_error("HELLO BERKELEY/2 4", "HELLO takes 3 or 4 fields: HELLO BERKELEY/2 <id> <nonce>");
  expect_client_error("HELLO BERKELEY/2 4 " + hex.substr(1), "HELLO: nonce");
  expect_client_error("HELLO BERKELEY/2 4 A0A1A2A3A4A5A6A7A8A9AAABACADAEAF", "is not 32 lowercase hex digits");
  expect_client_error("HELLO BERKELEY/1 4 " + hex + " boot-1", "HELLO takes 2 or 3 fields");
  expect_client_error("JOIN now", "JOIN takes 0 field(s)");
  expect_master_error("CHALLENGE", "CHALLENGE takes 1 field(s)");
  expect_master_error("CHALLENGE xyz", "CHALLENGE: nonce 'xyz'");
  expect_client_error("CHALLENGE " + hex, "unexpected command 'CHALLENGE' (a master's command)");
  expect_master_error("JOIN", "unexpected command 'JOIN' (a client's command)");
}

}  // namespace
}  // namespace berkeley::tcp
