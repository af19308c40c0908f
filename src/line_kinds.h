// What one cleaned log line is, judged by its shape and words alone: the
// header of a wrangler error box, a row of a table, a line saying the step
// failed or that another attempt starts, a success line, data that only
// mentions a code. The classifier decides what the lines mean together.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cfdeploy {

constexpr std::string_view k_code_marker = "[code:";
constexpr std::string_view k_table_bar = "\xE2\x94\x82";     // │
constexpr std::string_view k_failed_mark = "\xE2\x9D\x8C";   // ❌
constexpr std::string_view k_applied_mark = "\xE2\x9C\x85";  // ✅
// "Migration <file> failed with the following errors:", printed by d1 migrations apply.
constexpr std::string_view k_wrapper_start = "Migration ";
constexpr std::string_view k_wrapper_end = " failed with the following errors";

struct BoxHeader {
  std::string_view headline;
  bool warning = false;
};

/// The position of the table bar "│" in `line` at or after `from`, or npos.
size_t find_bar(std::string_view line, size_t from = 0);

/// Whether a raw line may be a box header or a table row; false for most
/// lines, tested before any copying.
bool may_start_something(std::string_view raw);

/// The headline after "[ERROR]" or "[WARNING]", found after any icon or prefix.
std::optional<BoxHeader> box_header(std::string_view line);

/// "Migration 0002_broken.sql failed with the following errors:" → "0002_broken.sql".
std::optional<std::string> wrapped_migration(std::string_view headline);

/// A line saying the step failed without saying why (npm, the runner, wrangler-action, …).
bool is_failure_signal(std::string_view line);

/// A retry loop saying it starts another attempt: "retrying", "attempt N" with N >= 2, or
/// "attempt N failed".
bool announces_retry(std::string_view line);

/// One of the lines wrangler prints last when a command succeeded.
bool is_success_line(std::string_view raw);

/// A line that looks like an error, kept as evidence when nothing explains a failure.
bool looks_like_error(std::string_view line);

/// A line reporting something that went wrong and was survived.
bool is_warning_line(std::string_view line);

/// A row of a table wrangler prints: data, whatever words it holds.
bool is_table_row(std::string_view line);

/// Data that merely mentions a code: an SQL statement, a table row, a successful answer.
bool mentions_code_as_data(std::string_view line);

/// "-- START CF API RESPONSE: Bad Gateway 502" → 502.
std::optional<int> debug_response_status(std::string_view line);

/// "src/index.ts:1:19" from an esbuild note or error line; empty when there is none.
std::string source_location(std::string_view line);

}  // namespace cfdeploy
