// The offsets file (report/offsets_file.hpp) and the mapping it carries (clock/clock_mapping.hpp): built from
// a report with known clocks, written, read back, and every local reading mapped to the agreed time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "clock/clock_mapping.hpp"
#include "clock/corrected_clock.hpp"
#include "clock/simulated_clock.hpp"
#include "report/offsets_file.hpp"
#include "report/run_report.hpp"
#include "support/manual_clock.hpp"

namespace berkeley {
namespace {

constexpr Nanoseconds kSecond{1'000'000'000};

// rank 0 (the master, rate applied 3 ppm), rank 1 (bound 500 ns, rate 20 ppm, drift corrected: its bound grows
// 2 µs at +1 s and 20 µs at +10 s), client 4 (no bound stated)
RunReport report_with_three() {
  RunReport report;
  report.parameters.clock = "sim";
  report.drift_corrected = true;
  report.later_ns = {kSecond, 10 * kSecond};
  RankReport master;
  master.rank = 0;
  master.transport = "mpi";
  master.host = "n0";
  master.clock_before_ns = at_ns(1'000'000'000);
  master.clock_after_ns = at_ns(1'000'000'250);
  master.offset_after_bound_ns = Nanoseconds{0};
  master.rate_applied_ppm = 3.0;
  RankReport rank1 = master;
  rank1.rank = 1;
  rank1.host = "n1";
  rank1.clock_before_ns = at_ns(7'000'000'000);
  rank1.clock_after_ns = at_ns(1'000'000'300);
  rank1.offset_after_bound_ns = Nanoseconds{500};
  rank1.later_bound_ns = {Nanoseconds{2'500}, Nanoseconds{20'500}};
  rank1.rate_applied_ppm = 20.0;
  RankReport client = master;
  client.rank = 4;
  client.transport = "tcp";
  client.host = "laptop";
  client.clock_before_ns = at_ns(-5'000);
  client.clock_after_ns = at_ns(1'000'000'100);
  client.offset_after_bound_ns.reset();
  client.rate_applied_ppm = 0.0;
  report.ranks = {master, rank1, client};
  return report;
}

TEST(ClockMapping, MapsLikeTheCorrectedClockItDescribes) {
  const testing_support::ManualClock local;
  CorrectedClock clock(local);
  clock.set_linear(Nanoseconds{-40'000}, 25.0, at_ns(2'000'000'000));
  // the mapping read off the clock at some reference reading
  const ClockReading reference = at_ns(3'000'000'000);
  ClockMapping mapping;
  mapping.reference_local_ns = reference;
  mapping.offset_ns = clock.correction_at(reference);
  mapping.rate_ppm = clock.rate_ppm();
  for (const std::int64_t t : {0LL, 2'999'999'999LL, 3'000'000'000LL, 60'000'000'000LL, -7'000'000'000LL}) {
    // drift_over rounds each term: the two agree within a nanosecond
    EXPECT_LE(std::abs((mapping.to_global(at_ns(t)) - clock.to_global(at_ns(t))).count()), 1) << t;
  }
}

TEST(ClockMapping, TheUncertaintyGrowsWithTheRateUncertaintyAndIsUnknownWithoutIt) {
  ClockMapping mapping;
  mapping.reference_local_ns = at_ns(1'000'000'000);
  mapping.offset_uncertainty_ns = Nanoseconds{300};
  EXPECT_EQ(mapping.uncertainty_at(at_ns(1'000'000'000)), Nanoseconds{300});
  EXPECT_EQ(mapping.uncertainty_at(at_ns(2'000'000'000)), std::nullopt);  // the rate was never measured
  EXPECT_EQ(mapping.uncertainty_at(at_ns(2'000'000'000), 10.0), Nanoseconds{300 + 10'000 + 1});
  mapping.rate_uncertainty_ppm = 2.0;
  // 2 ppm of 1 s either side, + 1 ns of rounding; a user's assumed bound does not replace a measured one
  EXPECT_EQ(mapping.uncertainty_at(at_ns(0), 10.0), Nanoseconds{300 + 2'000 + 1});
  EXPECT_EQ(mapping.uncertainty_at(at_ns(2'000'000'000)), Nanoseconds{300 + 2'000 + 1});
  mapping.offset_uncertainty_ns.reset();
  EXPECT_EQ(mapping.uncertainty_at(at_ns(1'000'000'000)), std::nullopt);
}

TEST(OffsetsFile, EachRowBecomesItsMappingWithTheStatedBoundsAndTheirGrowth) {
  const OffsetsFile offsets = offsets_of(report_with_three(), "prog 1.0 (git x)");
  EXPECT_EQ(offsets.generated_by, "prog 1.0 (git x)");
  EXPECT_EQ(offsets.clock, "sim");
  EXPECT_EQ(offsets.reference_global_ns, at_ns(1'000'000'250));  // the master's corrected reading
  ASSERT_EQ(offsets.participants.size(), 3U);
  const ParticipantOffsets& master = offsets.participants[0];
  EXPECT_EQ(master.name, "rank 0");
  EXPECT_EQ(master.mapping.offset_ns, Nanoseconds{250});
  EXPECT_EQ(master.mapping.offset_uncertainty_ns, Nanoseconds{0});  // it is the agreed time
  EXPECT_EQ(master.mapping.rate_uncertainty_ppm, 0.0);
  const ParticipantOffsets& rank1 = offsets.participants[1];
  EXPECT_EQ(rank1.mapping.reference_local_ns, at_ns(7'000'000'000));
  EXPECT_EQ(rank1.mapping.offset_ns, Nanoseconds{1'000'000'300 - 7'000'000'000});
  EXPECT_EQ(rank1.mapping.offset_uncertainty_ns, Nanoseconds{500});
  EXPECT_DOUBLE_EQ(rank1.mapping.rate_ppm, 20.0);
  ASSERT_TRUE(rank1.mapping.rate_uncertainty_ppm.has_value());
  EXPECT_DOUBLE_EQ(*rank1.mapping.rate_uncertainty_ppm, 2.0);  // max(2000 ns / 1 s, 20000 ns / 10 s)
  const ParticipantOffsets& client = offsets.participants[2];
  EXPECT_EQ(client.name, "client 4");
  EXPECT_EQ(client.transport, "tcp");
  EXPECT_FALSE(client.mapping.offset_uncertainty_ns.has_value());
  EXPECT_FALSE(client.mapping.rate_uncertainty_ppm.has_value());
  EXPECT_EQ(offsets.find("tcp", 4), &client);
  EXPECT_EQ(offsets.find("mpi", 4), nullptr);
}

TEST(OffsetsFile, TheTcpMastersOwnRowIsTheAgreedTime) {
  RunReport report = report_with_three();
  for (RankReport& r : report.ranks) r.transport = "tcp";  // berkeley_master: every row, its own included
  const OffsetsFile offsets = offsets_of(report, "berkeley_master");
  EXPECT_EQ(offsets.reference_global_ns, at_ns(1'000'000'250));
  EXPECT_EQ(offsets.participants[0].name, "rank 0");
  EXPECT_EQ(offsets.participants[0].mapping.offset_uncertainty_ns, Nanoseconds{0});
  EXPECT_EQ(offsets.participants[0].mapping.rate_uncertainty_ppm, 0.0);
  EXPECT_EQ(offsets.participants[1].name, "client 1");
}

TEST(OffsetsFile, WithoutADriftFitTheRateIsUnmeasured) {
  RunReport report = report_with_three();
  report.drift_corrected = false;
  report.later_ns.clear();
  for (RankReport& r : report.ranks) r.later_bound_ns.clear();
  const OffsetsFile offsets = offsets_of(report, "prog");
  EXPECT_FALSE(offsets.participants[1].mapping.rate_uncertainty_ppm.has_value());
}

TEST(OffsetsFile, WrittenAndReadBackItIsTheSame) {
  const OffsetsFile written = offsets_of(report_with_three(), "prog 1.0 (git x)");
  std::stringstream text;
  write_offsets_json(text, written);
  EXPECT_EQ(nlohmann::json::parse(text.str()).at("format"), kOffsetsFormat);
  const OffsetsRead read = read_offsets_json(text);
  ASSERT_TRUE(read.offsets.has_value()) << read.error;
  EXPECT_EQ(read.offsets->generated_by, written.generated_by);
  EXPECT_EQ(read.offsets->reference_global_ns, written.reference_global_ns);
  ASSERT_EQ(read.offsets->participants.size(), written.participants.size());
  for (std::size_t i = 0; i < written.participants.size(); ++i) {
    const ClockMapping& a = written.participants[i].mapping;
    const ClockMapping& b = read.offsets->participants[i].mapping;
    EXPECT_EQ(read.offsets->participants[i].name, written.participants[i].name);
    EXPECT_EQ(b.reference_local_ns, a.reference_local_ns);
    EXPECT_EQ(b.offset_ns, a.offset_ns);
    EXPECT_EQ(b.offset_uncertainty_ns, a.offset_uncertainty_ns);
    EXPECT_DOUBLE_EQ(b.rate_ppm, a.rate_ppm);
    EXPECT_EQ(b.rate_uncertainty_ppm, a.rate_uncertainty_ppm);
    EXPECT_EQ(b.to_global(at_ns(123'456'789'012)), a.to_global(at_ns(123'456'789'012)));
  }
}

TEST(OffsetsFile, BadFilesAreRefusedNamingWhatIsWrong) {
  const auto error_of = [](const std::string& text) {
    std::istringstream in(text);
    const OffsetsRead read = read_offsets_json(in);
    EXPECT_FALSE(read.offsets.has_value()) << text;
    return read.error;
  };
  EXPECT_EQ(error_of("not json"), "not JSON");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi/1"})"), "format \"berkeley_mpi/1\" is not berkeley_mpi-offsets/1");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "participants": []})"),
            "the file: missing \"reference_global_ns\"");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 5, "participants": [
                       {"rank": 1, "transport": "mpi", "reference_local_ns": 1.5, "offset_ns": 2,
                        "offset_uncertainty_ns": null, "rate_ppm": 0, "rate_uncertainty_ppm": null}]})"),
            "participant 0: \"reference_local_ns\" is not an integer");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 5, "participants": [
                       {"rank": 1, "transport": "mpi", "reference_local_ns": 1, "offset_ns": 2,
                        "offset_uncertainty_ns": "x", "rate_ppm": 0, "rate_uncertainty_ppm": null}]})"),
            "participant 0: \"offset_uncertainty_ns\" is not a number or null");
  // wrong types where a string or a rank belongs are named, never thrown past the reader
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "generated_by": 7, "reference_global_ns": 5,
                       "participants": []})"),
            "the file: \"generated_by\" is not a string");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 5, "participants": [
                       {"rank": 1, "transport": "mpi", "name": [], "reference_local_ns": 1, "offset_ns": 2,
                        "offset_uncertainty_ns": null, "rate_ppm": 0, "rate_uncertainty_ppm": null}]})"),
            "participant 0: \"name\" is not a string");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 5, "participants": [
                       {"rank": -3, "transport": "mpi", "reference_local_ns": 1, "offset_ns": 2,
                        "offset_uncertainty_ns": null, "rate_ppm": 0, "rate_uncertainty_ppm": null}]})"),
            "participant 0: \"rank\" -3 is not a rank");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 18446744073709551615,
                       "participants": []})"),
            "the file: \"reference_global_ns\" is beyond a signed 64-bit integer");
  EXPECT_EQ(error_of(R"({"format": "berkeley_mpi-offsets/1", "reference_global_ns": 5, "participants": [7]})"),
            "participant 0: missing \"rank\"");
  const OffsetsRead missing = read_offsets_file("/nonexistent/offsets.json");
  EXPECT_EQ(missing.error, "cannot read '/nonexistent/offsets.json'");
}

}  // namespace
}  // namespace berkeley
