// Authenticated lines (transport/tcp/auth_framing): what one end seals the other opens, in order, once; a
// replayed, reordered, altered or injected line, a line of another session or direction, and one sealed
// with another key are refused, and after a refusal nothing more is taken.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "transport/tcp/auth_framing.hpp"

namespace berkeley::tcp {
namespace {

const SharedKey kKey = SharedKey::from_material("the group's shared secret, 32+ bytes long");
const SharedKey kOtherKey = SharedKey::from_material("somebody else's secret, also long enough");

SessionNonce fixed_session(unsigned char seed) {
  SessionNonce session;
  for (std::size_t i = 0; i < kNonceBytes; ++i) {
    session.client[i] = static_cast<unsigned char>(seed + i);
    session.master[i] = static_cast<unsigned char>(seed + 100 + i);
  }
  return session;
}

const SessionNonce kSession = fixed_session(1);

TEST(AuthFraming, WhatOneEndSealsTheOtherOpensInOrder) {
  LineSealer sealer(kKey, kSession, Direction::master_to_client);
  LineOpener opener(kKey, kSession, Direction::master_to_client);
  const std::vector<std::string> bodies{"WELCOME BERKELEY/2 3 4", "POLL 1", "ADJUST 1 -1250", "PROBE 123 45", ""};
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const std::string line = sealer.seal(bodies[i]);
    EXPECT_LE(line.size(), bodies[i].size() + kSealBytes);
    EXPECT_EQ(line.rfind(bodies[i] + " " + std::to_string(i) + " ", 0), 0U) << line;
    const LineOpener::Opened opened = opener.open(line);
    ASSERT_TRUE(opened.body.has_value()) << opened.error;
    EXPECT_EQ(*opened.body, bodies[i]);
  }
  EXPECT_EQ(opener.next_seq(), bodies.size());
  EXPECT_FALSE(opener.failed());
}

TEST(AuthFraming, AReplayedLineIsRefusedAndNothingIsTakenAfter) {
  LineSealer sealer(kKey, kSession, Direction::client_to_master);
  LineOpener opener(kKey, kSession, Direction::client_to_master);
  const std::string first = sealer.seal("TIME 1 1000");
  ASSERT_TRUE(opener.open(first).body.has_value());
  const LineOpener::Opened replayed = opener.open(first);
  EXPECT_FALSE(replayed.body.has_value());
  EXPECT_EQ(replayed.error, "sequence 0 where 1 was due (replayed or reordered)");
  EXPECT_TRUE(opener.failed());
  // the genuine next line is not taken either: the session is over
  const LineOpener::Opened next = opener.open(sealer.seal("TIME 2 2000"));
  EXPECT_FALSE(next.body.has_value());
  EXPECT_EQ(next.error, "the session already failed authentication");
}

TEST(AuthFraming, AReorderedLineIsRefused) {
  LineSealer sealer(kKey, kSession, Direction::client_to_master);
  const std::string first = sealer.seal("TIME 1 1000");
  const std::string second = sealer.seal("TIME 2 2000");
  LineOpener opener(kKey, kSession, Direction::client_to_master);
  const LineOpener::Opened early = opener.open(second);
  EXPECT_FALSE(early.body.has_value());
  EXPECT_EQ(early.error, "sequence 1 where 0 was due (replayed or reordered)");
}

TEST(AuthFraming, AnAlteredLineIsRefusedWhereverTheChange) {
  LineSealer sealer(kKey, kSession, Direction::master_to_client);
  const std::string line = sealer.seal("ADJUST 4 -1250");
  // every single-byte change: in the body, the sequence number, the MAC
  for (std::size_t i = 0; i < line.size(); ++i) {
    for (const char replacement : {'0', '9', 'a', 'f', ' ', 'X'}) {
      if (line[i] == replacement) continue;
      std::string altered = line;
      altered[i] = replacement;
      LineOpener opener(kKey, kSession, Direction::master_to_client);
      EXPECT_FALSE(opener.open(altered).body.has_value()) << "byte " << i << " -> " << replacement << ": " << altered;
    }
  }
  // the body changed and the sequence number kept: "ADJUST 4 -1250" → "ADJUST 4 +9999"-like forgeries
  const std::string mac = line.substr(line.rfind(' ') + 1);
  LineOpener opener(kKey, kSession, Direction::master_to_client);
  const LineOpener::Opened forged = opener.open("ADJUST 4 -99999 0 " + mac);
  EXPECT_FALSE(forged.body.has_value());
  EXPECT_NE(forged.error.find("bad MAC"), std::string::npos) << forged.error;
}

TEST(AuthFraming, AnInjectedOrForeignLineIsRefused) {
  struct Case {
    std::string what;
    std::string line;
  } cases[] = {
      {"no seal at all", "ADJUST 1 5000"},
      {"a made-up MAC", "ADJUST 1 5000 0 " + std::string(kMacHexDigits, 'a')},
      {"sealed with another key", LineSealer(kOtherKey, kSession, Direction::master_to_client).seal("ADJUST 1 5000")},
      {"of another session", LineSealer(kKey, fixed_session(2), Direction::master_to_client).seal("ADJUST 1 5000")},
      {"of the other direction", LineSealer(kKey, kSession, Direction::client_to_master).seal("ADJUST 1 5000")},
      {"an upper-case MAC",
       [] {
         std::string l = LineSealer(kKey, kSession, Direction::master_to_client).seal("ADJUST 1 5000");
         for (std::size_t i = l.rfind(' ') + 1; i < l.size(); ++i) l[i] = static_cast<char>(std::toupper(l[i]));
         return l;
       }()},
      {"a short MAC", "ADJUST 1 5000 0 abcdef"},
      {"a sequence number with a leading zero",
       [] {
         std::string l = LineSealer(kKey, kSession, Direction::master_to_client).seal("ADJUST 1 5000");
         return l.insert(l.find(" 0 ") + 1, "0");
       }()},
      {"an empty line", ""},
  };
  for (const Case& c : cases) {
    LineOpener opener(kKey, kSession, Direction::master_to_client);
    const LineOpener::Opened opened = opener.open(c.line);
    EXPECT_FALSE(opened.body.has_value()) << c.what << ": " << c.line;
    EXPECT_FALSE(opened.error.empty()) << c.what;
    EXPECT_TRUE(opener.failed()) << c.what;
  }
}

TEST(AuthFraming, TheMacIsTheDocumentedOne) {
  // what docs/security.md says a sealed line is: body, seq, MAC over protocol | direction | nonces | seq | body
  LineSealer sealer(kKey, kSession, Direction::client_to_master);
  (void)sealer.seal("HELLO");
  const std::string line = sealer.seal("TIME 7 123");
  EXPECT_EQ(line, "TIME 7 123 1 " + line_mac_hex(kKey, kSession, Direction::client_to_master, 1, "TIME 7 123"));
  EXPECT_NE(line_mac_hex(kKey, kSession, Direction::client_to_master, 1, "TIME 7 123"),
            line_mac_hex(kKey, kSession, Direction::client_to_master, 2, "TIME 7 123"));
}

TEST(AuthFraming, NoncesAreFreshAndTravelAsHex) {
  const Nonce a = random_nonce();
  const Nonce b = random_nonce();
  EXPECT_NE(a, b);
  const std::string hex = nonce_hex(a);
  EXPECT_EQ(hex.size(), 2 * kNonceBytes);
  EXPECT_EQ(parse_nonce_hex(hex), a);
  EXPECT_EQ(parse_nonce_hex(hex.substr(1)), std::nullopt);
  EXPECT_EQ(parse_nonce_hex(hex + "0"), std::nullopt);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(parse_nonce_hex(upper == hex ? "g" + hex.substr(1) : upper), std::nullopt);
}

}  // namespace
}  // namespace berkeley::tcp
