#pragma once
// The offsets file (berkeley_mpi --offsets, berkeley_master --offsets; docs/report-format.md): per
// participant, the mapping of its local clock to the group's agreed time (clock/clock_mapping.hpp), for
// correcting trace timestamps after the run. Written from the run's report; read back by tools.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock_mapping.hpp"
#include "core/time.hpp"

namespace berkeley {

struct RunReport;

inline constexpr const char* kOffsetsFormat = "berkeley_mpi-offsets/1";

struct ParticipantOffsets {
  std::string name;       // "rank 3", "client 7"
  int id = 0;             // its rank, or its client id
  std::string transport;  // "mpi", "tcp"
  std::string host;
  ClockMapping mapping;
};

struct OffsetsFile {
  std::string generated_by;            // "berkeley_mpi 0.1.0 (git …)"
  std::string clock;                   // what the local clocks are: "sim", "system", "realtime", …
  ClockReading reference_global_ns{};  // the agreed time at the reference instant
  std::vector<ParticipantOffsets> participants;

  // the participant with this transport and id (nullptr: not covered)
  [[nodiscard]] const ParticipantOffsets* find(const std::string& transport, int id) const;
};

// Every participant of the report that was read at the shared instant (its rows). The offset uncertainty is
// the bound the sync stated against the master (whose corrected clock is the agreed time); the rate
// uncertainty is how fast the stated bound grows over the later instants (drift corrected), else unmeasured.
[[nodiscard]] OffsetsFile offsets_of(const RunReport& report, std::string generated_by);

void write_offsets_json(std::ostream& out, const OffsetsFile& offsets);

struct OffsetsRead {
  std::optional<OffsetsFile> offsets;
  std::string error;  // when offsets is empty: what is wrong, naming the field
};
[[nodiscard]] OffsetsRead read_offsets_json(std::istream& in);
[[nodiscard]] OffsetsRead read_offsets_file(const std::string& path);

}  // namespace berkeley
