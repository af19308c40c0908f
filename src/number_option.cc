#include "number_option.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <system_error>

namespace cfdeploy {
namespace {

std::string plain(double value) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

// "0 to 604800 seconds": what to give instead.
std::string range_text(const NumberRange& range) {
  std::string text = plain(range.min) + " to " + plain(range.max);
  return *range.unit == '\0' ? text : text + " " + range.unit;
}

// Parsed in full, or nullopt-like NaN when `text` is not a number at all. A value too
// large for a double comes back as infinity, so it counts as out of range.
double parse_decimal(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') {
      return std::nan("");  // "+-5"
    }
  }
  double value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (stop != end || text.empty()) {
    return std::nan("");
  }
  if (error == std::errc::result_out_of_range) {
    return !text.empty() && text.front() == '-' ? -HUGE_VAL : HUGE_VAL;
  }
  // "nan" parses, and is still not a number.
  return error == std::errc() ? value : std::nan("");
}

bool is_integer_text(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    text.remove_prefix(1);
  }
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string number_problem(std::string_view text, const NumberRange& range) {
  std::string quoted = "'" + std::string(text) + "'";
  if (range.whole && !is_integer_text(text)) {
    return quoted + " is not a whole number; give " + range_text(range);
  }
  double value = parse_decimal(text);
  if (std::isnan(value)) {
    return quoted + " is not a number; give " + range_text(range);
  }
  if (!(value >= range.min && value <= range.max)) {
    return quoted + " is out of range; give " + range_text(range);
  }
  return "";
}

CLI::Validator number_check(const NumberRange& range) {
  return {[range](std::string& text) {
            std::string problem = number_problem(text, range);
            // CLI11 reads integers with base 0, where "010" is octal 8 and "09" no number:
            // hand it the plain decimal the check accepted.
            if (problem.empty() && range.whole) {
              text = std::to_string(static_cast<long long>(parse_decimal(text)));
            }
            return problem;
          },
          "[" + range_text(range) + "]"};
}

}  // namespace cfdeploy
