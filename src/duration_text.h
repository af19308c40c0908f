// Durations as reports and messages show them, in seconds with at most one
// decimal: "12.3 s".
#pragma once

#include <chrono>
#include <string>

namespace cfdeploy {

/// "2.5 s" for 2460 ms: rounded to the nearest tenth. How long a step took.
std::string seconds_text(std::chrono::milliseconds duration);

/// "2.4 s" for 2460 ms: cut to whole tenths, so a wait is never overstated.
std::string tenths_text(std::chrono::milliseconds duration);

/// "3 s" for 3000 ms and "2.4 s" for 2460 ms: cut to whole tenths, without a
/// ".0". A limit the user gave (--timeout).
std::string short_seconds_text(std::chrono::milliseconds duration);

}  // namespace cfdeploy
