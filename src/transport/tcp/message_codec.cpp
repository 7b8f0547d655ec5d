#include "transport/tcp/message_codec.hpp"

#include <charconv>
#include <limits>
#include <vector>

#include "clock/clock_domain.hpp"
#include "transport/tcp/auth_framing.hpp"

namespace berkeley::tcp {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// Thrown inside this file only, caught by the two parse functions.
struct Malformed {
  std::string reason;
};

std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 32;
  if (text.size() <= kShown) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShown)) + "...'";
}

// "CMD a b c" → {"CMD", "a", "b", "c"}; exactly one space between fields
std::vector<std::string_view> split_fields(std::string_view line) {
  if (line.empty()) throw Malformed{"empty line"};
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t space = line.find(' ', start);
    const std::string_view field = line.substr(start, space == std::string_view::npos ? line.npos : space - start);
    if (field.empty()) throw Malformed{"empty field (two spaces, or a space at the start or end of the line)"};
    fields.push_back(field);
    if (space == std::string_view::npos) return fields;
    start = space + 1;
  }
}

void expect_fields(const std::vector<std::string_view>& fields, std::size_t count, std::string_view usage) {
  if (fields.size() != count) {
    throw Malformed{std::string(fields[0]) + " takes " + std::to_string(count - 1) +
                    " field(s): " + std::string(usage)};
  }
}

// canonical decimal int64 within [minimum, maximum]
std::int64_t number(std::string_view command, std::string_view name, std::string_view text, std::int64_t minimum,
                    std::int64_t maximum) {
  // the context of an error, built only when one is thrown (this runs for every field of every message)
  const auto where = [&] { return std::string(command) + ": " + std::string(name) + " " + quoted(text); };
  const std::size_t digits_at = (!text.empty() && text[0] == '-') ? 1 : 0;
  const std::string_view digits = text.substr(digits_at);
  bool canonical = !digits.empty() && (digits == "0" || digits[0] != '0') && !(digits_at == 1 && digits == "0");
  for (const char c : digits) canonical = canonical && c >= '0' && c <= '9';
  if (!canonical) throw Malformed{where() + " is not a decimal integer"};
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) throw Malformed{where() + " is out of range (does not fit in int64)"};
  if (error != std::errc() || end != text.data() + text.size()) throw Malformed{where() + " is not a decimal integer"};
  if (value < minimum || value > maximum) {
    throw Malformed{where() + " is out of range " + std::to_string(minimum) + ".." + std::to_string(maximum)};
  }
  return value;
}

// true for BERKELEY/2 (keyed), false for BERKELEY/1
bool expect_version(std::string_view command, std::string_view text) {
  if (text == kProtocolVersion) return false;
  if (text == kKeyedProtocolVersion) return true;
  constexpr std::string_view kPrefix = "BERKELEY/";
  const std::string spoken = std::string(kProtocolVersion) + " and " + std::string(kKeyedProtocolVersion);
  if (text.substr(0, kPrefix.size()) == kPrefix) {
    throw Malformed{std::string(command) + ": version " + quoted(text) + " not supported (this side speaks " + spoken +
                    ")"};
  }
  throw Malformed{std::string(command) + ": " + quoted(text) + " is not a protocol version (" + spoken + " expected)"};
}

Nonce nonce_field(std::string_view command, std::string_view text) {
  const std::optional<Nonce> nonce = parse_nonce_hex(text);
  if (!nonce) {
    throw Malformed{std::string(command) + ": nonce " + quoted(text) + " is not " + std::to_string(2 * kNonceBytes) +
                    " lowercase hex digits"};
  }
  return *nonce;
}

// the free text after "CMD " (may be empty, may contain spaces)
std::string text_after(std::string_view line, std::string_view command) {
  if (line.size() == command.size()) return {};
  if (line[command.size()] != ' ') throw Malformed{"unknown command " + quoted(line)};
  return std::string(line.substr(command.size() + 1));
}

std::string_view command_word(std::string_view line) { return line.substr(0, line.find(' ')); }

bool is_master_command(std::string_view word) {
  return word == "WELCOME" || word == "REFUSED" || word == "POLL" || word == "ADJUST" || word == "PROBE" ||
         word == "BYE" || word == "CHALLENGE";
}
bool is_client_command(std::string_view word) {
  return word == "HELLO" || word == "TIME" || word == "READING" || word == "JOIN";
}

std::string sanitized_text(std::string_view prefix, std::string_view text) {
  std::string line(prefix);
  if (!text.empty()) line.push_back(' ');
  for (const char c : text) {
    if (line.size() >= kMaxLineBytes) break;
    line.push_back(c >= 0x20 && c <= 0x7E ? c : '?');
  }
  line.push_back('\n');
  return line;
}

std::string with_numbers(std::string_view command, std::initializer_list<std::int64_t> values) {
  std::string line(command);
  for (const std::int64_t v : values) {
    line.push_back(' ');
    line += std::to_string(v);
  }
  line.push_back('\n');
  return line;
}

ClientMessage parse_client(std::string_view line) {
  const std::string_view word = command_word(line);
  if (word == "ERROR") return Error{text_after(line, "ERROR")};
  const std::vector<std::string_view> f = split_fields(line);
  if (f[0] == "HELLO") {
    if (f.size() < 3) {
      throw Malformed{
          "HELLO takes 2 or 3 fields: HELLO BERKELEY/1 <id> [<clock_domain>] (BERKELEY/2: <id> <nonce> "
          "[<clock_domain>])"};
    }
    const bool keyed = expect_version("HELLO", f[1]);
    const std::size_t fixed = keyed ? 4 : 3;  // HELLO, version, id (and the nonce)
    if (f.size() != fixed && f.size() != fixed + 1) {
      throw Malformed{keyed ? "HELLO takes 3 or 4 fields: HELLO BERKELEY/2 <id> <nonce> [<clock_domain>]"
                            : "HELLO takes 2 or 3 fields: HELLO BERKELEY/1 <id> [<clock_domain>]"};
    }
    Hello hello{number("HELLO", "id", f[2], 1, kMaxClientId), std::nullopt, std::nullopt};
    if (keyed) hello.nonce = nonce_field("HELLO", f[3]);
    if (f.size() == fixed + 1) {
      if (!is_clock_domain(f[fixed])) {
        throw Malformed{"HELLO: clock domain " + quoted(f[fixed]) + " is not 1-80 characters of [0-9a-zA-Z.+-]"};
      }
      hello.clock_domain = std::string(f[fixed]);
    }
    return hello;
  }
  if (f[0] == "JOIN") {
    expect_fields(f, 1, "JOIN");
    return Join{};
  }
  if (f[0] == "TIME") {
    expect_fields(f, 3, "TIME <seq> <clock_ns>");
    return TimeReply{number("TIME", "seq", f[1], 1, kInt64Max),
                     at_ns(number("TIME", "clock_ns", f[2], kInt64Min, kInt64Max))};
  }
  if (f[0] == "READING") {
    expect_fields(f, 5, "READING <instant_ns> <raw_ns> <corrected_ns> <window_ns>");
    return Reading{number("READING", "instant_ns", f[1], 0, kInt64Max),
                   at_ns(number("READING", "raw_ns", f[2], kInt64Min, kInt64Max)),
                   at_ns(number("READING", "corrected_ns", f[3], kInt64Min, kInt64Max)),
                   Nanoseconds{number("READING", "window_ns", f[4], 0, kMaxReadWindow.count())}};
  }
  if (is_master_command(f[0])) throw Malformed{"unexpected command " + quoted(f[0]) + " (a master's command)"};
  throw Malformed{"unknown command " + quoted(f[0])};
}

MasterMessage parse_master(std::string_view line) {
  const std::string_view word = command_word(line);
  if (word == "REFUSED") return Refused{text_after(line, "REFUSED")};
  if (word == "ERROR") return Error{text_after(line, "ERROR")};
  if (word == "BYE") return Bye{text_after(line, "BYE")};
  const std::vector<std::string_view> f = split_fields(line);
  if (f[0] == "WELCOME") {
    expect_fields(f, 4, "WELCOME BERKELEY/1 <id> <clients>");
    const bool keyed = expect_version("WELCOME", f[1]);
    return Welcome{number("WELCOME", "id", f[2], 1, kMaxClientId), number("WELCOME", "clients", f[3], 1, kMaxClients),
                   keyed};
  }
  if (f[0] == "CHALLENGE") {
    expect_fields(f, 2, "CHALLENGE <nonce>");
    return Challenge{nonce_field("CHALLENGE", f[1])};
  }
  if (f[0] == "POLL") {
    expect_fields(f, 2, "POLL <seq>");
    return Poll{number("POLL", "seq", f[1], 1, kInt64Max)};
  }
  if (f[0] == "ADJUST") {
    expect_fields(f, 3, "ADJUST <round> <delta_ns>");
    return Adjust{number("ADJUST", "round", f[1], 1, kMaxRound),
                  Nanoseconds{number("ADJUST", "delta_ns", f[2], -kMaxAdjustment.count(), kMaxAdjustment.count())}};
  }
  if (f[0] == "PROBE") {
    if (f.size() != 2 && f.size() != 3) throw Malformed{"PROBE takes 1 or 2 fields: PROBE <instant_ns> [<delay_ns>]"};
    Probe probe{number("PROBE", "instant_ns", f[1], 0, kInt64Max)};
    if (f.size() == 3) probe.delay_ns = number("PROBE", "delay_ns", f[2], 0, kMaxProbeDelay.count());
    return probe;
  }
  if (is_client_command(f[0])) throw Malformed{"unexpected command " + quoted(f[0]) + " (a client's command)"};
  throw Malformed{"unknown command " + quoted(f[0])};
}

}  // namespace

ParseResult<ClientMessage> parse_client_message(std::string_view line) {
  try {
    return {parse_client(line), {}};
  } catch (const Malformed& malformed) {
    return {std::nullopt, malformed.reason};
  }
}

ParseResult<MasterMessage> parse_master_message(std::string_view line) {
  try {
    return {parse_master(line), {}};
  } catch (const Malformed& malformed) {
    return {std::nullopt, malformed.reason};
  }
}

std::string format_line(const Hello& m) {
  return "HELLO " + std::string(m.nonce ? kKeyedProtocolVersion : kProtocolVersion) + " " +
         std::to_string(m.client_id) + (m.nonce ? " " + nonce_hex(*m.nonce) : std::string()) +
         (m.clock_domain ? " " + *m.clock_domain : std::string()) + "\n";
}
std::string format_line(const Join& /*message*/) { return "JOIN\n"; }
std::string format_line(const Challenge& m) { return "CHALLENGE " + nonce_hex(m.nonce) + "\n"; }
std::string format_line(const TimeReply& m) { return with_numbers("TIME", {m.seq, reading_ns(m.clock_ns)}); }
std::string format_line(const Reading& m) {
  return with_numbers("READING", {m.instant_ns, reading_ns(m.raw_ns), reading_ns(m.corrected_ns), m.window_ns.count()});
}
std::string format_line(const Welcome& m) {
  return "WELCOME " + std::string(m.keyed ? kKeyedProtocolVersion : kProtocolVersion) + " " +
         std::to_string(m.client_id) + " " + std::to_string(m.clients) + "\n";
}
std::string format_line(const Refused& m) { return sanitized_text("REFUSED", m.reason); }
std::string format_line(const Error& m) { return sanitized_text("ERROR", m.reason); }
std::string format_line(const Poll& m) { return with_numbers("POLL", {m.seq}); }
std::string format_line(const Adjust& m) { return with_numbers("ADJUST", {m.round, m.delta_ns.count()}); }
std::string format_line(const Probe& m) {
  return m.delay_ns ? with_numbers("PROBE", {m.instant_ns, *m.delay_ns}) : with_numbers("PROBE", {m.instant_ns});
}
std::string format_line(const Bye& m) { return sanitized_text("BYE", m.reason); }

std::string_view command_name(const ClientMessage& message) {
  constexpr std::string_view kNames[] = {"HELLO", "TIME", "READING", "ERROR", "JOIN"};
  return kNames[message.index()];
}

std::string_view command_name(const MasterMessage& message) {
  constexpr std::string_view kNames[] = {"WELCOME", "REFUSED", "ERROR", "POLL", "ADJUST", "PROBE", "BYE", "CHALLENGE"};
  return kNames[message.index()];
}

}  // namespace berkeley::tcp
