// Normalising one line of a step's log: what a CI log adds around wrangler's
// text (ANSI colours, GitHub web-log timestamps) is removed so that matching
// sees what wrangler meant to print.
#pragma once

#include <string>
#include <string_view>

namespace cfdeploy {

/// Removes ANSI escape sequences (CSI such as colours, OSC such as hyperlinks,
/// and two-byte escapes) from `line`, writing the result to `out`.
void strip_ansi(std::string_view line, std::string& out);

/// Drops a leading GitHub log timestamp ("2026-11-27T10:15:02.1234567Z ").
std::string_view strip_timestamp(std::string_view line);

/// The line as a person reads it: ANSI removed, timestamp and trailing CR dropped.
void clean_line(std::string_view raw, std::string& out);

/// Leading spaces/tabs removed.
std::string_view trim_left(std::string_view text);

/// Trailing spaces, tabs and CRs removed.
std::string_view trim_right(std::string_view text);

/// Case-insensitive (ASCII) substring search; `needle` must be lower case.
bool contains_lower(std::string_view haystack, std::string_view lower_needle);

}  // namespace cfdeploy
