#include "report/offsets_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "report/report_builder.hpp"
#include "report/run_report.hpp"

namespace berkeley {
namespace {

// how fast the stated bound grows after the shared instant: the largest (later bound − bound) / time
std::optional<double> stated_rate_bound_ppm(const RankReport& row, const std::vector<Nanoseconds>& later_ns) {
  if (!row.offset_after_bound_ns || later_ns.empty() || row.later_bound_ns.size() != later_ns.size()) {
    return std::nullopt;
  }
  double ppm = 0.0;
  for (std::size_t i = 0; i < later_ns.size(); ++i) {
    if (!row.later_bound_ns[i] || later_ns[i] <= Nanoseconds{0}) return std::nullopt;
    const auto grown = static_cast<double>((*row.later_bound_ns[i] - *row.offset_after_bound_ns).count());
    ppm = std::max(ppm, grown / static_cast<double>(later_ns[i].count()) * 1e6);
  }
  return ppm;
}

nlohmann::json optional_json(const std::optional<Nanoseconds>& value) {
  return value ? nlohmann::json(value->count()) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// the field `key` of `object`: an integer, a number, a string; throws the message naming it otherwise
struct FieldError {
  std::string message;
};

const nlohmann::json& field(const nlohmann::json& object, const std::string& key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) throw FieldError{where + ": missing \"" + key + "\""};
  return object.at(key);
}

std::int64_t integer_field(const nlohmann::json& object, const std::string& key, const std::string& where) {
  const nlohmann::json& value = field(object, key, where);
  if (!value.is_number_integer()) throw FieldError{where + ": \"" + key + "\" is not an integer"};
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw FieldError{where + ": \"" + key + "\" is beyond a signed 64-bit integer"};
  }
  return value.get<std::int64_t>();
}

std::string string_field(const nlohmann::json& object, const std::string& key, const std::string& where) {
  const nlohmann::json& value = field(object, key, where);
  if (!value.is_string()) throw FieldError{where + ": \"" + key + "\" is not a string"};
  return value.get<std::string>();
}

// a string field that may be missing ("": missing); anything else there is named
std::string optional_string(const nlohmann::json& object, const std::string& key, const std::string& where) {
  if (!object.contains(key)) return "";
  return string_field(object, key, where);
}

std::optional<double> optional_number(const nlohmann::json& object, const std::string& key, const std::string& where) {
  const nlohmann::json& value = field(object, key, where);
  if (value.is_null()) return std::nullopt;
  if (!value.is_number()) throw FieldError{where + ": \"" + key + "\" is not a number or null"};
  return value.get<double>();
}

}  // namespace

const ParticipantOffsets* OffsetsFile::find(const std::string& transport, int id) const {
  for (const ParticipantOffsets& p : participants) {
    if (p.transport == transport && p.id == id) return &p;
  }
  return nullptr;
}

OffsetsFile offsets_of(const RunReport& report, std::string generated_by) {
  OffsetsFile offsets;
  offsets.generated_by = std::move(generated_by);
  offsets.clock = report.parameters.clock;
  for (const RankReport& row : report.ranks) {
    // rank 0 is the master in berkeley_mpi (transport "mpi") and berkeley_master (its own row, "tcp"); clients
    // are numbered from 1
    const bool master = row.rank == 0;
    if (master) offsets.reference_global_ns = row.clock_after_ns;
    ParticipantOffsets p;
    p.name = member_name(row);
    p.id = row.rank;
    p.transport = row.transport.empty() ? "mpi" : row.transport;
    p.host = row.host;
    p.mapping.reference_local_ns = row.clock_before_ns;
    p.mapping.offset_ns = row.clock_after_ns - row.clock_before_ns;
    p.mapping.rate_ppm = row.rate_applied_ppm;
    // the master's corrected clock is the agreed time: exact by definition
    p.mapping.offset_uncertainty_ns = master ? std::optional(Nanoseconds{0}) : row.offset_after_bound_ns;
    p.mapping.rate_uncertainty_ppm = master ? std::optional(0.0) : stated_rate_bound_ppm(row, report.later_ns);
    offsets.participants.push_back(std::move(p));
  }
  return offsets;
}

void write_offsets_json(std::ostream& out, const OffsetsFile& offsets) {
  using nlohmann::json;
  json doc;
  doc["format"] = kOffsetsFormat;
  doc["generated_by"] = offsets.generated_by;
  doc["clock"] = offsets.clock;
  doc["agreed_time"] = "rank 0's corrected clock: the group's fault-tolerant average";
  doc["reference_global_ns"] = reading_ns(offsets.reference_global_ns);
  json participants = json::array();
  for (const ParticipantOffsets& p : offsets.participants) {
    participants.push_back({{"name", p.name},
                            {"rank", p.id},
                            {"transport", p.transport},
                            {"host", p.host},
                            {"reference_local_ns", reading_ns(p.mapping.reference_local_ns)},
                            {"offset_ns", p.mapping.offset_ns.count()},
                            {"offset_uncertainty_ns", optional_json(p.mapping.offset_uncertainty_ns)},
                            {"rate_ppm", p.mapping.rate_ppm},
                            {"rate_uncertainty_ppm", optional_json(p.mapping.rate_uncertainty_ppm)}});
  }
  doc["participants"] = std::move(participants);
  out << doc.dump(2) << '\n';
}

OffsetsRead read_offsets_json(std::istream& in) {
  OffsetsRead read;
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    read.error = "not JSON";
    return read;
  }
  try {
    const std::string format = string_field(doc, "format", "the file");
    if (format != kOffsetsFormat) {
      read.error = "format \"" + format + "\" is not " + kOffsetsFormat;
      return read;
    }
    OffsetsFile offsets;
    offsets.generated_by = optional_string(doc, "generated_by", "the file");
    offsets.clock = optional_string(doc, "clock", "the file");
    offsets.reference_global_ns = at_ns(integer_field(doc, "reference_global_ns", "the file"));
    const nlohmann::json& participants = field(doc, "participants", "the file");
    if (!participants.is_array()) throw FieldError{"the file: \"participants\" is not a list"};
    for (std::size_t i = 0; i < participants.size(); ++i) {
      const nlohmann::json& entry = participants[i];
      const std::string where = "participant " + std::to_string(i);
      ParticipantOffsets p;
      const std::int64_t id = integer_field(entry, "rank", where);
      if (id < 0 || id > INT32_MAX) throw FieldError{where + ": \"rank\" " + std::to_string(id) + " is not a rank"};
      p.id = static_cast<int>(id);
      p.transport = string_field(entry, "transport", where);
      p.name = optional_string(entry, "name", where);
      p.host = optional_string(entry, "host", where);
      p.mapping.reference_local_ns = at_ns(integer_field(entry, "reference_local_ns", where));
      p.mapping.offset_ns = Nanoseconds{integer_field(entry, "offset_ns", where)};
      if (const auto u = optional_number(entry, "offset_uncertainty_ns", where)) {
        p.mapping.offset_uncertainty_ns = Nanoseconds{static_cast<std::int64_t>(std::ceil(*u))};
      }
      const auto rate = optional_number(entry, "rate_ppm", where);
      if (!rate) throw FieldError{where + ": \"rate_ppm\" is null"};
      p.mapping.rate_ppm = *rate;
      p.mapping.rate_uncertainty_ppm = optional_number(entry, "rate_uncertainty_ppm", where);
      offsets.participants.push_back(std::move(p));
    }
    read.offsets = std::move(offsets);
  } catch (const FieldError& error) {
    read.error = error.message;
  }
  return read;
}

OffsetsRead read_offsets_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return OffsetsRead{std::nullopt, "cannot read '" + path + "'"};
  OffsetsRead read = read_offsets_json(in);
  if (!read.offsets) read.error = "'" + path + "': " + read.error;
  return read;
}

}  // namespace berkeley
