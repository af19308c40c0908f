// One Cloudflare v4 API answer as the checks read it: the HTTP status and Cloudflare's JSON
// envelope, or why no usable answer arrived. Parsing a body never throws and never builds
// the tree of a body nested past a limit; a body that is not the envelope is a `bad_body`
// failure, which says nothing about the request.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

/// Why no usable answer arrived. `bad_body` means an HTTP answer whose body is not a
/// Cloudflare JSON envelope (an HTML error page, broken JSON, a "success" that is not a
/// boolean); `too_large` one longer than the client's cap; `cancelled` a request that
/// SIGINT/SIGTERM ended.
enum class TransportFailure {
  none,
  timeout,
  connection_refused,
  connection_reset,
  tls,
  bad_body,
  too_large,
  cancelled,
  other,
};

std::string_view to_string(TransportFailure failure);

struct ApiMessage {
  int code = 0;
  std::string message;
};

/// One answer: the HTTP status and the parsed envelope, or why there was none.
struct ApiResponse {
  TransportFailure failure = TransportFailure::none;
  std::string failure_detail;  // for people; never contains the token
  int status = 0;              // 0 when no HTTP answer arrived
  bool success = false;        // the envelope's "success"
  nlohmann::json result;       // the envelope's "result" (null when absent)
  std::vector<ApiMessage> errors;
  std::vector<ApiMessage> messages;

  /// A 2xx answer with "success": true.
  bool ok() const;
  /// A transport failure, a bad body, a 5xx or a 429: says nothing about the request itself.
  bool inconclusive() const;
  std::optional<int> error_code() const;  // the first errors[] code
  bool has_error_code(int code) const;
  /// "HTTP 403: Authentication error [code: 10000]", or the transport failure.
  std::string summary() const;
};

/// An HTTP answer read as Cloudflare's envelope ({"success", "result", "errors",
/// "messages"}); any other body is a `bad_body` failure quoting its start.
ApiResponse parse_api_response(int status, const std::string& body,
                               const std::string& content_type);

/// An HTTP answer whose body is any JSON (GitHub's REST API): `result` is the whole body,
/// `success` a 2xx status, and a string "message" member becomes the one error. A body
/// that is not JSON is a `bad_body` failure quoting its start; an empty one is null.
ApiResponse parse_json_response(int status, const std::string& body,
                                const std::string& content_type);

/// `text` with every occurrence of `secret` replaced by "***" (no-op for an empty secret).
std::string scrub_secret(std::string text, std::string_view secret);

/// `response` with `secret` scrubbed from every text a server or a transport failure could
/// have echoed it into: the failure detail and the errors' and messages' texts.
ApiResponse scrub_secret_from_response(ApiResponse response, std::string_view secret);

}  // namespace cfdeploy
