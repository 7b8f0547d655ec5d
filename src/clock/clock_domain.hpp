#pragma once
// Which CLOCK_MONOTONIC a process reads. Every process of one kernel reads the same one (network
// namespaces, containers and hosts of a lab on one machine included), unless a time namespace shifts it.
// So a "clock domain" is the kernel's boot id plus the time namespace's monotonic offset: processes with
// one domain can name one physical instant on CLOCK_MONOTONIC, and the spread of their clocks read there is
// ground truth, whatever their host names. No MPI, no sockets.
#include <optional>
#include <string>
#include <string_view>

namespace berkeley {

// This process's domain: "<boot id>" or "<boot id>+<s>.<ns>" when the time namespace shifts CLOCK_MONOTONIC;
// nullopt when the boot id cannot be read (not Linux, /proc not mounted). Read once per process.
[[nodiscard]] std::optional<std::string> monotonic_clock_domain();

// The same from the texts of /proc/sys/kernel/random/boot_id and /proc/self/timens_offsets (empty where the
// kernel has no time namespaces): nullopt for a boot id that is not one, or offsets that cannot be read.
[[nodiscard]] std::optional<std::string> clock_domain_from(std::string_view boot_id, std::string_view timens_offsets);

// Whether two processes read one CLOCK_MONOTONIC: both domains known and equal.
[[nodiscard]] bool same_clock_domain(const std::optional<std::string>& a, const std::optional<std::string>& b);

// Whether a token is a well-formed domain (as a peer may send one): 1-80 characters of [0-9a-zA-Z.+-].
[[nodiscard]] bool is_clock_domain(std::string_view text);

}  // namespace berkeley
