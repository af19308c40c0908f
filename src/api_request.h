// One Cloudflare API request as preflight and the token check make it: sent, and written up
// as one line for the report ("GET /user/tokens/verify -> 200"). Also what both read out of
// an answer: a string member, a refused credential, and the shapes of the ids in a path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cloudflare_api.h"

namespace cfdeploy {

/// A request and how it went, as the report lists it.
struct ApiRequest {
  std::string line;  // "GET /accounts/{id} -> 403 [code: 9109]"
  ApiResponse response;
};

/// Sends `method` ("GET" or "POST", with `body`) to `path` below the API's base URL.
ApiRequest send_api_request(CloudflareApi& api, const std::string& method, const std::string& path,
                            const nlohmann::json& body = nullptr);

/// A string member of an API object; "" when absent or not a string (never throws).
std::string api_string(const nlohmann::json& object, const char* key);

/// 400/401/403, or a code that means the credential itself was refused (1000, 9106).
bool credential_refused(const ApiResponse& response);

/// True for a 32-character hexadecimal account id.
bool is_account_id(std::string_view text);

/// True for a UUID (8-4-4-4-12 hex digits), the form of a D1 database id.
bool is_database_id(std::string_view text);

}  // namespace cfdeploy
