#include "transport/mpi/group_channel.hpp"

#include <boost/mpi/collectives.hpp>
#include <cstdint>
#include <vector>

namespace berkeley::mpi {

namespace bmpi = boost::mpi;
namespace {
constexpr int kMaster = 0;
constexpr int kTagCommand = 101;
constexpr int kTagReading = 102;
constexpr std::int32_t kPing = 1;
constexpr std::int32_t kRelease = 0;
}  // namespace

std::optional<OffsetSample> MpiGroupChannel::exchange(int member) {
  std::int64_t reading = 0;
  const ClockReading t_send = clock_.now();
  comm_.send(member, kTagCommand, kPing);
  comm_.recv(member, kTagReading, reading);
  const ClockReading t_recv = clock_.now();
  return OffsetSample{t_send, Nanoseconds{reading}, t_recv};
}

void MpiGroupChannel::release(int member) { comm_.send(member, kTagCommand, kRelease); }

CollectiveReadings MpiGroupChannel::request_all() {
  std::int32_t request = kPing;
  CollectiveReadings got;
  got.t_send_ns = clock_.now();
  bmpi::broadcast(comm_, request, kMaster);
  std::vector<std::int64_t> readings;
  bmpi::gather(comm_, got.t_send_ns.count(), readings, kMaster);
  got.t_recv_ns = clock_.now();
  got.readings_ns.reserve(readings.size());
  for (const std::int64_t r : readings) got.readings_ns.emplace_back(Nanoseconds{r});
  return got;
}

void answer_collective(const bmpi::communicator& comm, const Clock& clock) {
  std::int32_t request = 0;
  bmpi::broadcast(comm, request, kMaster);
  const std::int64_t reading = clock.now().count();
  bmpi::gather(comm, reading, kMaster);
}

void answer_pingpong(const bmpi::communicator& comm, const Clock& clock) {
  for (;;) {
    std::int32_t command = kRelease;
    comm.recv(kMaster, kTagCommand, command);
    if (command != kPing) return;
    const std::int64_t reading = clock.now().count();
    comm.send(kMaster, kTagReading, reading);
  }
}

Nanoseconds scatter_corrections(const bmpi::communicator& comm, std::span<const Nanoseconds> corrections_ns) {
  std::int64_t mine = 0;
  if (comm.rank() == kMaster) {
    std::vector<std::int64_t> values;
    values.reserve(corrections_ns.size());
    for (const Nanoseconds c : corrections_ns) values.push_back(c.count());
    bmpi::scatter(comm, values, mine, kMaster);
  } else {
    bmpi::scatter(comm, mine, kMaster);
  }
  return Nanoseconds{mine};
}

}  // namespace berkeley::mpi
