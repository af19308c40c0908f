// Reading the facts out of one wrangler error: the API codes, the API path
// that failed and the HTTP status, from text with ANSI already removed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

/// Every `[code: N]` in order; whitespace (a wrapped line) may follow "code:".
std::vector<int> extract_codes(std::string_view text);

/// Codes outside wrangler's boxes, in order: "[code: N]", "[API code: N]"
/// (wrangler 1), "Code N:" (wrangler 1), "code: N," in a printed JavaScript
/// object, and "code":N in JSON, escaped or not. Exit and status codes
/// ("exit code 1") are not API codes and are skipped.
std::vector<int> extract_any_codes(std::string_view text);

/// The path in "Cloudflare API (<path>) failed", else the one in a
/// malformed-response note "<METHOD> <path> -> <status> ...", else empty.
std::string_view extract_resource(std::string_view text);

/// The status of a malformed-response note "... -> 502 Bad Gateway".
std::optional<int> extract_status(std::string_view text);

}  // namespace cfdeploy
