// The Cloudflare v4 API as preflight uses it: a small interface, so checks can run against
// a scripted fake, and the factory of the real client (http_cloudflare_api.cc, over
// cpp-httplib and OpenSSL), which verifies the server's certificate and host name, honours
// proxies, ends every request by its deadline or at a cancellation, caps the size of an
// answer, and never shows the token.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api_response.h"
#include "error.h"
#include "http_settings.h"

namespace cfdeploy {

/// Far above any real answer; a bigger one is not read on (and not kept in memory).
inline constexpr size_t k_max_answer_bytes = size_t{4} << 20;

/// The API as the checks see it. Implementations must allow concurrent calls.
class CloudflareApi {
public:
  virtual ~CloudflareApi() = default;
  /// `path` is below the base URL and may carry a query: "/user/tokens/verify".
  virtual ApiResponse get(const std::string& path) = 0;
  virtual ApiResponse post(const std::string& path, const nlohmann::json& body) = 0;
  /// True for an API that answers from memory, where a thread per request only costs time.
  virtual bool answers_at_once() const { return false; }
};

/// The cpp-httplib client. Fails on a bad base URL or proxy, or an unreadable CA file.
Result<std::unique_ptr<CloudflareApi>> make_http_api(HttpOptions options);

}  // namespace cfdeploy
