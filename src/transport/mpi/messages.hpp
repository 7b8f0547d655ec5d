#pragma once
// Every MPI message of the transport that carries more than one value: a struct per message, with its MPI
// datatype built once by Boost.MPI from the members' serialization (BOOST_IS_MPI_DATATYPE), so no code packs
// values into int64 arrays at agreed offsets. Messages of varying size (the readings at the shared instant)
// go through Boost.MPI's serialization instead (off any timed path).
#include <mpi.h>

#include <boost/mpi/datatype.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <optional>

#include "clock/shared_instant.hpp"
#include "core/min_rtt_filter.hpp"
#include "sync/drift_plan.hpp"

namespace berkeley::mpi {

// pingpong: rank 0's command to a member, and where rank 0 runs (current_core_token())
struct PingCommand {
  enum What : std::int64_t { release = 0, ping = 1, prepare = 2 };
  std::int64_t what = release;
  std::int64_t core_token = 0;
};

// pingpong: a member's reading, and where it ran
struct PingReply {
  std::int64_t reading_ns = 0;
  std::int64_t core_token = 0;
};

// exchanging collective: a member's gather (its reading now, and its interval from the round's exchanges so
// far: member − master, with its narrowest exchange's round trip; all 0 before the first reply)
struct ExchangeReport {
  std::int64_t reading_ns = 0;
  std::int64_t lower_ns = 0;
  std::int64_t upper_ns = 0;
  std::int64_t narrowest_round_trip_ns = 0;
};

// exchanging collective: rank 0's scatter
struct ExchangeReply {
  enum What : std::int64_t {
    measure_again = 0,  // value: rank 0's reading once this exchange's gather was complete; another follows
    correction = 1,     // value: the correction to apply; the round is over
    measured_only = 2,  // value unused: the estimates are done, the corrections follow in their own scatter
  };
  std::int64_t what = measure_again;
  std::int64_t value = 0;
};

// single-exchange collective: what a member keeps of each round for finish() (its two readings, the
// correction it applied)
struct CollectiveRoundKept {
  std::int64_t sent_ns = 0;
  std::int64_t received_ns = 0;
  std::int64_t correction_ns = 0;
};

// tree: one member's estimate, as its node leader sends it up to rank 0
struct MemberEstimate {
  std::int64_t world_rank = 0;
  std::int64_t measured = 0;  // 0: no estimate (the fields below are unused)
  std::int64_t offset_ns = 0;
  std::int64_t uncertainty_ns = 0;
  std::int64_t round_trip_ns = 0;
  std::int64_t median_round_trip_ns = 0;
  std::int64_t local_midpoint_ns = 0;
  std::int64_t samples_used = 0;
  std::int64_t averaged_exchanges = 0;
  std::int64_t bursts = 0;
  std::int64_t patience_ran_out = 0;
};
[[nodiscard]] MemberEstimate member_estimate(int world_rank, const std::optional<PeerEstimate>& estimate);
[[nodiscard]] std::optional<PeerEstimate> peer_estimate(const MemberEstimate& message);

// drift correction: a rank's linear correction
struct LinearCorrectionMessage {
  std::int64_t offset_ns = 0;
  double rate_ppm = 0.0;
  std::int64_t anchor_ns = 0;
};
[[nodiscard]] LinearCorrectionMessage linear_correction_message(const LinearCorrection& correction);
[[nodiscard]] LinearCorrection linear_correction(const LinearCorrectionMessage& message);

// The MPI datatype of one message (Boost.MPI builds and commits it on first use, and keeps it)
template <class Message>
[[nodiscard]] MPI_Datatype datatype_of() {
  static const MPI_Datatype type = boost::mpi::get_mpi_datatype<Message>(Message{});
  return type;
}

template <class Archive>
void serialize(Archive& ar, PingCommand& m, const unsigned int /*version*/) {
  ar& m.what& m.core_token;
}
template <class Archive>
void serialize(Archive& ar, PingReply& m, const unsigned int /*version*/) {
  ar& m.reading_ns& m.core_token;
}
template <class Archive>
void serialize(Archive& ar, ExchangeReport& m, const unsigned int /*version*/) {
  ar& m.reading_ns& m.lower_ns& m.upper_ns& m.narrowest_round_trip_ns;
}
template <class Archive>
void serialize(Archive& ar, ExchangeReply& m, const unsigned int /*version*/) {
  ar& m.what& m.value;
}
template <class Archive>
void serialize(Archive& ar, CollectiveRoundKept& m, const unsigned int /*version*/) {
  ar& m.sent_ns& m.received_ns& m.correction_ns;
}
template <class Archive>
void serialize(Archive& ar, MemberEstimate& m, const unsigned int /*version*/) {
  ar& m.world_rank& m.measured& m.offset_ns& m.uncertainty_ns& m.round_trip_ns& m.median_round_trip_ns& m
      .local_midpoint_ns& m.samples_used& m.averaged_exchanges& m.bursts& m.patience_ran_out;
}
template <class Archive>
void serialize(Archive& ar, LinearCorrectionMessage& m, const unsigned int /*version*/) {
  ar& m.offset_ns& m.rate_ppm& m.anchor_ns;
}

}  // namespace berkeley::mpi

namespace berkeley {
// The readings at the shared instant travel serialized (their size depends on the later instants asked for);
// a later reading that is not known travels as not known.
template <class Archive>
void serialize(Archive& ar, InstantObservation& o, const unsigned int /*version*/) {
  std::int64_t raw = reading_ns(o.raw_ns);
  std::int64_t corrected = reading_ns(o.corrected_ns);
  std::int64_t window = o.read_window_ns.count();
  std::vector<std::int64_t> later;  // (raw, corrected) per later instant
  std::vector<char> known;          // per value of `later`
  for (std::size_t k = 0; k < o.later_raw_ns.size(); ++k) {
    for (const auto& value : {o.later_raw_ns[k], o.later_corrected_ns[k]}) {
      later.push_back(value ? reading_ns(*value) : 0);
      known.push_back(value ? 1 : 0);
    }
  }
  ar& raw& corrected& window& later& known;
  o.raw_ns = at_ns(raw);
  o.corrected_ns = at_ns(corrected);
  o.read_window_ns = Nanoseconds{window};
  o.later_raw_ns.clear();
  o.later_corrected_ns.clear();
  const auto value = [&](std::size_t i) { return known[i] != 0 ? std::optional(at_ns(later[i])) : std::nullopt; };
  for (std::size_t i = 0; i + 1 < later.size(); i += 2) {
    o.later_raw_ns.push_back(value(i));
    o.later_corrected_ns.push_back(value(i + 1));
  }
}
}  // namespace berkeley

BOOST_IS_MPI_DATATYPE(berkeley::mpi::PingCommand)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::PingReply)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::ExchangeReport)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::ExchangeReply)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::CollectiveRoundKept)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::MemberEstimate)
BOOST_IS_MPI_DATATYPE(berkeley::mpi::LinearCorrectionMessage)
