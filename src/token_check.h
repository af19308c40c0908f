// Token verification: what Cloudflare says about the API token. Preflight's token-valid check
// judges it, and the diagnosis after a failed step (failure_diagnosis) asks it, through
// preflight's requests, to tell a bad token from a missing permission.
//
// GET /user/tokens/verify answers for a user token; on code 1000, with a 32-hex account id,
// GET /accounts/{id}/tokens/verify answers for an account-owned one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// One sentence on what a token state means for an ambiguous 10000 answer.
std::string explain_token_state(const TokenState& state);

}  // namespace cfdeploy
