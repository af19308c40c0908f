// The one check every numeric option goes through: a value that is not a number and a
// value past the option's range are usage errors, each with its own message naming the
// range, so `--timeout nan` or `--timeout 1e20` never reach the code that uses them.
#pragma once

#include <string>
#include <string_view>

namespace CLI {
class Validator;
}

namespace cfdeploy {

struct NumberRange {
  double min = 0;
  double max = 0;
  bool whole = false;     // an integer option: "2.5" is not a value
  const char* unit = "";  // "seconds", "ms", or "" for a count
};

/// Why `text` is not a value in `range`, or "" when it is one. Not-a-number answers
/// "'x' is not a number…" (or "…not a whole number…"); a number outside the range, or
/// infinity, answers "x is out of range…"; both name the range.
std::string number_problem(std::string_view text, const NumberRange& range);

/// number_problem as a CLI11 check; CLI11 puts the option's name in front of the message.
/// For a whole number it rewrites the text as plain decimal ("010" is 10, "+3" is 3),
/// so add it with Option::transform, which keeps the rewrite (check discards it).
CLI::Validator number_check(const NumberRange& range);

}  // namespace cfdeploy
