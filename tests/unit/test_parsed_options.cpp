// Where a command line stops a program (cli/parsed_options: stop_with): the help on stdout and exit 0, or the
// error on stderr as "program: message" and its exit code; nothing printed by a rank that does not speak.
#include <gtest/gtest.h>

#include <string>

#include "cli/exit_codes.hpp"
#include "cli/parsed_options.hpp"

namespace berkeley::cli {
namespace {

struct Printed {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Printed stop(const ParsedOptions<int>& parsed, bool speak = true) {
  Printed printed;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  printed.exit_code = stop_with("berkeley_x", parsed, speak);
  printed.err = testing::internal::GetCapturedStderr();
  printed.out = testing::internal::GetCapturedStdout();
  return printed;
}

ParsedOptions<int> verdict(int exit_code, std::string message) {
  ParsedOptions<int> parsed;
  parsed.exit_code = exit_code;
  parsed.message = std::move(message);
  return parsed;
}

TEST(StopWith, HelpGoesToStdoutAsItIsWithExitOk) {
  const Printed printed = stop(verdict(kExitOk, "Usage: berkeley_x\n\nOptions:\n"));
  EXPECT_EQ(printed.exit_code, kExitOk);
  EXPECT_EQ(printed.out, "Usage: berkeley_x\n\nOptions:\n");  // no program prefix, no extra newline
  EXPECT_EQ(printed.err, "");
}

TEST(StopWith, AnErrorGoesToStderrPrefixedWithTheProgramAndEndsTheLine) {
  const Printed printed = stop(verdict(kExitUsage, "--port: '70000' is not a port (1..65535)"));
  EXPECT_EQ(printed.exit_code, kExitUsage);
  EXPECT_EQ(printed.err, "berkeley_x: --port: '70000' is not a port (1..65535)\n");
  EXPECT_EQ(printed.out, "");
}

TEST(StopWith, TheExitCodeIsPassedOnAsItIs) {
  const Printed printed = stop(verdict(kExitOutputError, "cannot write"));
  EXPECT_EQ(printed.exit_code, kExitOutputError);
  EXPECT_EQ(printed.err, "berkeley_x: cannot write\n");
}

TEST(StopWith, AnEmptyMessageStillEndsItsLine) {
  EXPECT_EQ(stop(verdict(kExitOk, "")).out, "\n");
  EXPECT_EQ(stop(verdict(kExitUsage, "")).err, "berkeley_x: \n");
}

TEST(StopWith, ARankThatDoesNotSpeakPrintsNothingButExitsTheSame) {
  for (const int code : {kExitOk, kExitUsage}) {
    const Printed printed = stop(verdict(code, "--rounds: '0' is out of range 1..1000000"), false);
    EXPECT_EQ(printed.exit_code, code);
    EXPECT_EQ(printed.out, "");
    EXPECT_EQ(printed.err, "");
  }
}

TEST(ParsedOptions, ByDefaultNothingToRunAndExitOk) {
  const ParsedOptions<int> parsed;
  EXPECT_FALSE(parsed.options.has_value());
  EXPECT_EQ(parsed.exit_code, kExitOk);
  EXPECT_TRUE(parsed.message.empty());
}

}  // namespace
}  // namespace berkeley::cli
