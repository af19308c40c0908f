#include "token_check.h"

#include <array>

#include "api_request.h"

namespace cfdeploy {
namespace {

bool answered_2xx(const ApiResponse& response) {
  return response.failure == TransportFailure::none && response.status >= 200 &&
         response.status < 300;
}

TokenState from_verify_answer(TokenState state, const ApiResponse& response, bool account_owned) {
  const nlohmann::json& result = response.result;
  std::string status = api_string(result, "status");
  state.account_owned = account_owned;
  state.expires_on = api_string(result, "expires_on");
  state.status = status == "active"     ? TokenStatus::active
                 : status == "expired"  ? TokenStatus::expired
                 : status == "disabled" ? TokenStatus::disabled
                                        : TokenStatus::unknown;
  state.detail = status.empty() ? "the verify answer had no token status" : "status " + status;
  return state;
}

}  // namespace

std::string_view to_string(TokenStatus status) {
  static constexpr std::array<std::string_view, 5> k_names = {"active", "expired", "disabled",
                                                              "invalid", "unknown"};
  return k_names[static_cast<size_t>(status)];
}

TokenState verify_token(CloudflareApi& api, const std::string& account_id) {
  TokenState state;
  ApiRequest user = send_api_request(api, "GET", "/user/tokens/verify");
  state.requests.push_back(user.line);
  const ApiResponse& first = user.response;
  if (answered_2xx(first)) {
    return from_verify_answer(state, first, false);
  }
  if (first.inconclusive() || !credential_refused(first)) {
    state.detail = first.summary();
    return state;
  }
  state.status = TokenStatus::invalid;
  state.code = first.error_code();
  state.detail = first.summary();
  if (!first.has_error_code(1000) || !is_account_id(account_id)) {
    return state;
  }
  // 1000 is also what the user endpoint says to a working account-owned token.
  ApiRequest owned = send_api_request(api, "GET", "/accounts/" + account_id + "/tokens/verify");
  state.requests.push_back(owned.line);
  const ApiResponse& second = owned.response;
  if (answered_2xx(second)) {
    return from_verify_answer(state, second, true);
  }
  if (second.inconclusive()) {
    state.status = TokenStatus::unknown;
    state.detail = "not a user token, and the account-token check failed: " + second.summary();
  } else {
    state.detail += "; as an account token: " + second.summary();
  }
  return state;
}

std::string explain_token_state(const TokenState& state) {
  switch (state.status) {
    case TokenStatus::active:
      return "The token is valid and active, so the 10000 means it lacks a permission this "
             "request needs or is not scoped to this account.";
    case TokenStatus::expired:
      return "The token expired" + (state.expires_on.empty() ? "" : " on " + state.expires_on) +
             ": that is why Cloudflare refused it.";
    case TokenStatus::disabled:
      return "The token is disabled: that is why Cloudflare refused it.";
    case TokenStatus::invalid:
      return "Cloudflare does not recognise the token (" + state.detail +
             "): it was deleted, rolled, revoked or pasted incompletely.";
    case TokenStatus::unknown:
      break;
  }
  return "Could not verify the token (" + state.detail + "), so the 10000 stays ambiguous.";
}

}  // namespace cfdeploy
