// Time bounds for tests that wait in real time. They assert behaviour, never speed: a
// bound is a floor that proves a limit was honoured, or this generous ceiling.
#pragma once

#include <chrono>

namespace cfdeploy::testing {

using Clock = std::chrono::steady_clock;

/// Within this bound a signal or a deadline worked, with room for a machine busy with
/// other builds.
inline constexpr std::chrono::milliseconds k_well_before{60'000};

inline std::chrono::milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace cfdeploy::testing
