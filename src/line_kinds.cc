#include "line_kinds.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "log_text.h"

namespace cfdeploy {
namespace {

struct BoxMarker {
  std::string_view text;
  bool warning;
};

// wrangler's box labels. The icon before them varies ("✘" on Linux and
// macOS, "X" on Windows, mojibake under a wrong code page, "Error: ✘" when
// wrangler-action re-prints the box), so the label is found anywhere.
constexpr std::array<BoxMarker, 2> k_box_markers = {{
    {"[ERROR]", false},
    {"[WARNING]", true},
}};

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool starts_with(std::string_view text, std::string_view start) {
  return text.substr(0, start.size()) == start;
}

bool starts_with_lower(std::string_view text, std::string_view lower_start) {
  return text.size() >= lower_start.size() &&
         contains_lower(text.substr(0, lower_start.size()), lower_start);
}

// The non-zero number after `marker`, e.g. "exit code 1" → true.
bool nonzero_after(std::string_view line, std::string_view marker) {
  size_t at = line.find(marker);
  if (at == std::string_view::npos) {
    return false;
  }
  std::string_view rest = trim_left(line.substr(at + marker.size()));
  if (!rest.empty() && (rest[0] == ':' || rest[0] == '(')) {
    rest = trim_left(rest.substr(1));
  }
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    ++digits;
  }
  return digits > 0 && rest.substr(0, digits).find_first_not_of('0') != std::string_view::npos;
}

// The lines wrangler prints last when a command succeeded. Only looked for
// after a retry, so they cost nothing on a log without one.
constexpr std::array<std::string_view, 6> k_success_lines = {
    "Deployment complete!",                // pages deploy
    "Current Version ID:",                 // deploy, wrangler 3 and 4
    "Success: Deploy command completed",   // Workers Builds
    "Success: Your site was deployed!",    // Pages builds
    "Successfully published your script",  // wrangler 1
    "No migrations to apply!",             // d1 migrations apply
};

}  // namespace

// The table bar's position from `from`, or npos. It searches for the bar's
// last byte with memchr: its first two bytes also start every border
// character and many other symbols, which makes a plain find() slow here.
size_t find_bar(std::string_view line, size_t from) {
  const char* begin = line.data();
  const char* end = begin + line.size();
  for (const char* p = begin + std::max<size_t>(from, 2); p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, k_table_bar[2], static_cast<size_t>(end - p)));
    if (p == nullptr) {
      return std::string_view::npos;
    }
    auto at = static_cast<size_t>(p - begin) - 2;
    if (at >= from && p[-2] == k_table_bar[0] && p[-1] == k_table_bar[1]) {
      return at;
    }
  }
  return std::string_view::npos;
}

// Outside a box, only a box header ("[ERROR]", "[WARNING]") or a row of the
// migrations table ("│") can matter; most lines are neither, and skipping
// them before any copying keeps classification as fast as the pipe. This runs
// on every line, so it searches with memchr rather than a loop over bytes.
bool may_start_something(std::string_view raw) {
  if (raw.empty()) {
    return false;
  }
  const char* begin = raw.data();
  const char* end = begin + raw.size();
  // A "[" that only opens a colour sequence ("\x1b[2m") or a runner
  // command ("##[group]") starts nothing.
  for (const char* p = begin; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '[', static_cast<size_t>(end - p)));
    if (p == nullptr) {
      break;
    }
    if (p == begin || (p[-1] != '\x1b' && p[-1] != '#')) {
      return true;
    }
  }
  // Look for the bar's last byte: its first two also start every border character.
  for (const char* p = begin + 2; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, k_table_bar[2], static_cast<size_t>(end - p)));
    if (p == nullptr) {
      return false;
    }
    if (p[-2] == k_table_bar[0] && p[-1] == k_table_bar[1]) {
      return true;
    }
  }
  return false;
}

std::optional<BoxHeader> box_header(std::string_view line) {
  for (const BoxMarker& marker : k_box_markers) {
    size_t at = line.find(marker.text);
    if (at != std::string_view::npos) {
      return BoxHeader{trim_left(line.substr(at + marker.text.size())), marker.warning};
    }
  }
  return std::nullopt;
}

// "Migration 0002_broken.sql failed with the following errors:" → "0002_broken.sql".
std::optional<std::string> wrapped_migration(std::string_view headline) {
  size_t end = headline.find(k_wrapper_end);
  if (headline.substr(0, k_wrapper_start.size()) != k_wrapper_start || end == std::string::npos) {
    return std::nullopt;
  }
  std::string_view name = headline.substr(k_wrapper_start.size(), end - k_wrapper_start.size());
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

// A line that says the step failed without saying why: npm, pnpm, yarn,
// the runner, wrangler-action, docker compose, dashboard builds.
bool is_failure_signal(std::string_view line) {
  return line.find("ELIFECYCLE") != std::string_view::npos ||
         line.find("ERR_PNPM_") != std::string_view::npos ||
         line.find("Command failed with exit code") != std::string_view::npos ||
         nonzero_after(line, "exit code") || nonzero_after(line, "exited with code") ||
         nonzero_after(line, "exited") ||
         line.find("failed with exit code") != std::string_view::npos ||
         line.find("Action failed") != std::string_view::npos || starts_with(line, "Failed:") ||
         starts_with(line, "npm ERR!") || starts_with(line, "npm error");
}

// A retry loop (a wrapper script, nick-fields/retry, wretry.action, a
// migration loop) saying it starts another attempt: "retrying", a later
// attempt by number ("attempt 2/3", "Attempt #2 of 3"), or a numbered attempt
// that failed ("Attempt 1 failed."). "Attempting to ..." and "attempt 1" start
// nothing again; a script that says them before its next command must not
// make that command's success undo an earlier error.
bool announces_retry(std::string_view line) {
  // "Not retrying", "will not retry" and the like end the step instead.
  if (contains_lower(line, "retrying") && !contains_lower(line, "not retrying") &&
      !contains_lower(line, "no longer retrying")) {
    return true;
  }
  constexpr std::string_view k_attempt = "attempt";
  for (size_t at = 0; at + k_attempt.size() <= line.size(); ++at) {
    if (!contains_lower(line.substr(at, k_attempt.size()), k_attempt) ||
        (at > 0 && is_word_byte(line[at - 1]))) {
      continue;
    }
    std::string_view rest = line.substr(at + k_attempt.size());
    rest.remove_prefix(std::min(rest.find_first_not_of(" #"), rest.size()));
    size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    std::string_view number = rest.substr(0, digits);
    number.remove_prefix(std::min(number.find_first_not_of('0'), number.size()));
    bool later = number.size() > 1 || (number.size() == 1 && number[0] >= '2');
    bool failed = digits > 0 && starts_with_lower(trim_left(rest.substr(digits)), "failed");
    if (later || failed) {
      return true;
    }
  }
  return false;
}

bool is_success_line(std::string_view raw) {
  return std::any_of(k_success_lines.begin(), k_success_lines.end(), [&](std::string_view done) {
    return raw.find(done) != std::string_view::npos;
  });
}

bool looks_like_error(std::string_view line) {
  return contains_lower(line, "error") || contains_lower(line, "failed") ||
         contains_lower(line, "fatal") || starts_with(line, "\xE2\x9C\x98");  // ✘
}

// Lines that report something that went wrong and was survived.
bool is_warning_line(std::string_view line) {
  return starts_with_lower(line, "warn") || starts_with_lower(line, "npm warn") ||
         starts_with(line, "\xE2\x96\xB2") || starts_with_lower(line, "retrying") ||
         contains_lower(line, "will retry") || contains_lower(line, "retrying in");
}

// A row of a table wrangler prints (query results, migration lists): data,
// not an error, whatever words it holds.
bool is_table_row(std::string_view line) {
  size_t first = find_bar(line);
  return first != std::string_view::npos &&
         find_bar(line, first + k_table_bar.size()) != std::string_view::npos;
}

// Data that merely mentions a code: an SQL statement, a row of a query's
// result table, or a successful API answer.
bool mentions_code_as_data(std::string_view line) {
  if (find_bar(line) != std::string_view::npos) {
    return true;
  }
  size_t marker = line.find(k_code_marker);
  if (marker != std::string_view::npos &&
      line.find_first_of(");", marker) != std::string_view::npos) {
    return true;
  }
  return line.find("\"success\":true") != std::string_view::npos ||
         line.find("\"success\": true") != std::string_view::npos ||
         line.find(R"(\"success\":true)") != std::string_view::npos;
}

// "-- START CF API RESPONSE: Bad Gateway 502" → 502.
std::optional<int> debug_response_status(std::string_view line) {
  if (line.find("START CF API RESPONSE") == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view text = trim_right(line);
  size_t digits = text.size();
  while (digits > 0 && text[digits - 1] >= '0' && text[digits - 1] <= '9') {
    --digits;
  }
  if (text.size() - digits != 3) {
    return std::nullopt;
  }
  return std::stoi(std::string(text.substr(digits)));
}

// "src/index.ts:1:19" from esbuild's "    src/index.ts:1:19:" note or an old
// "src/index.ts:1:19: ERROR: ..." line.
std::string source_location(std::string_view line) {
  std::string_view text = trim_left(line);
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > 200) {
    return {};
  }
  std::string_view path = text.substr(0, colon);
  if (path.find(' ') != std::string_view::npos || path.find('.') == std::string_view::npos) {
    return {};
  }
  size_t pos = colon + 1;
  size_t numbers = 0;
  while (numbers < 2 && pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    ++numbers;
    if (pos < text.size() && text[pos] == ':' && numbers < 2) {
      ++pos;
    }
  }
  if (numbers == 0) {
    return {};
  }
  return std::string(text.substr(0, pos));
}

}  // namespace cfdeploy
