// Token verification: what Cloudflare says about the API token. Preflight's token-valid check
// judges it, and a step that failed with the ambiguous code 10000 asks it to tell a bad token
// from a missing permission.
//
// GET /user/tokens/verify answers for a user token; on code 1000, with a 32-hex account id,
// GET /accounts/{id}/tokens/verify answers for an account-owned one.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cancellation.h"
#include "cloudflare_api.h"

namespace cfdeploy {

enum class TokenStatus { active, expired, disabled, invalid, unknown };

std::string_view to_string(TokenStatus status);

/// What Cloudflare says about the token; `unknown` when the API could not be asked.
struct TokenState {
  TokenStatus status = TokenStatus::unknown;
  bool account_owned = false;  // verified at /accounts/{id}/tokens/verify
  std::string expires_on;      // as the API gives it, when set
  std::optional<int> code;     // the API error code when invalid
  std::string detail;          // for people: what the API answered
  std::vector<std::string> requests;
};

/// Verifies the token: the user endpoint first, then (on code 1000, with a 32-hex
/// `account_id`) the account endpoint.
TokenState verify_token(CloudflareApi& api, const std::string& account_id);

/// verify_token with the token, base URL, CA file and proxies from the environment, for a
/// step after a 10000. `unknown` (with why) when there is no token or the API cannot be
/// asked. Every request ends within `time_left` (when set) and at once when `cancellation`
/// (when given) is cancelled.
TokenState verify_token_from_environment(const std::string& account_id,
                                         std::optional<std::chrono::milliseconds> time_left = {},
                                         Cancellation* cancellation = nullptr);

/// One sentence on what a token state means for an ambiguous 10000 answer.
std::string explain_token_state(const TokenState& state);

}  // namespace cfdeploy
