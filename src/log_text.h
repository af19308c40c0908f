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

/// Drops what CI systems print before a line, repeatedly: GitHub and
/// dashboard timestamps ("10:15:02.123 | ", "2026-11-27 10:15:02.1 +0000 [x] "),
/// monorepo runner tags ("web:deploy: ", "apps/web deploy: ", "│ "), docker
/// compose service columns ("api-1  | "), Markdown quotes ("> ") and the
/// runner's "##[error]". Indentation before a prefix goes with it; the
/// indentation after the last prefix is kept, since it marks a box's notes.
std::string_view strip_prefixes(std::string_view line);

/// Drops a leading word that starts with a digit, up to its first space: the
/// timestamp of every CI's shape, found with a first-byte test and one
/// memchr, cheap enough to run on every line before any other reading.
/// It is rougher than strip_prefixes(), and only for skipping bytes that
/// cannot hold an error word.
std::string_view skip_time_prefix(std::string_view line);

/// Removes HTML tags and decodes the common entities, for a log copied out
/// of a web page. Text without '<' or '&' is left as it is.
void strip_html(std::string& text);

/// The line as a person reads it: ANSI and HTML removed, CI prefixes and
/// trailing CR dropped.
void clean_line(std::string_view raw, std::string& out);

/// Leading spaces/tabs removed.
std::string_view trim_left(std::string_view text);

/// Trailing spaces, tabs and CRs removed.
std::string_view trim_right(std::string_view text);

/// Case-insensitive (ASCII) substring search; `needle` must be lower case.
bool contains_lower(std::string_view haystack, std::string_view lower_needle);

}  // namespace cfdeploy
