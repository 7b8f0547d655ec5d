#pragma once
#include <iosfwd>

#include "report/run_report.hpp"

namespace berkeley {

// Machine-readable report: every time as integer nanoseconds (fields end in _ns).
void write_json(std::ostream& out, const RunReport& report);

}  // namespace berkeley
