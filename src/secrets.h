// The credentials cfdeploy must never show, Cloudflare's and the GitHub token of
// CFDEPLOY_GITHUB_TOKEN: one list, used for the runner's masks and for redaction.
//
// Redaction works on raw text, before any escaping: a JSON- or HTML-escaped
// token no longer matches. Every writer therefore redacts the values it is
// given and only then escapes them: the Markdown escapers (markdown.h),
// annotation_command and output_entry (workflow_commands.h), redacted_json_text
// for the JSON reports, and print_error/print_warning/print_note.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

/// Shorter values would blank out ordinary words, and `::add-mask::` with one
/// would hide every occurrence of it in the log: such a credential is refused.
inline constexpr size_t k_min_secret_length = 6;

/// Not a Cloudflare credential, but never shown either: the token GitHub deployments are
/// recorded with. Read from the environment only, never argv, where other processes see it.
inline constexpr const char* k_github_token_variable = "CFDEPLOY_GITHUB_TOKEN";

/// What fetch() strips around a header value (so wrangler sends a token pasted
/// with a line break at the end): spaces, tabs, CR and LF at both ends.
std::string trim_http_whitespace(std::string_view text);

/// The values of CLOUDFLARE_API_TOKEN, CLOUDFLARE_API_KEY, CFDEPLOY_GITHUB_TOKEN (and of
/// CLOUDFLARE_ACCOUNT_ID with `with_account_id`), each as set and trimmed,
/// longest first, without duplicates; values shorter than k_min_secret_length
/// are left out.
std::vector<std::string> secret_values(bool with_account_id = false);

/// Why a set credential cannot be used safely (it is shorter than
/// k_min_secret_length once trimmed), naming the variable; nullopt when none is.
std::optional<std::string> short_secret_problem();

/// `text` with every secret_values() replaced by "***".
std::string redact_secrets(std::string text);

/// `value` with every string in it (keys included) redacted, printed as
/// `dump(2)`; text that is not valid UTF-8 is replaced, not refused.
std::string redacted_json_text(const nlohmann::json& value);

}  // namespace cfdeploy
