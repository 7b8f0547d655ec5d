#pragma once
#include <iosfwd>
#include <string>

#include "report/run_report.hpp"

namespace berkeley {

// Machine-readable report (docs/report-format.md, docs/schema/report.schema.json): every time as integer
// nanoseconds (fields end in _ns). `generated_by` names the program and version that wrote it ("": left out).
inline constexpr const char* kReportFormat = "berkeley_mpi/1";
void write_json(std::ostream& out, const RunReport& report, const std::string& generated_by = "");

}  // namespace berkeley
