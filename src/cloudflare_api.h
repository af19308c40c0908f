// The Cloudflare v4 API as preflight uses it: a small interface, so checks can run against
// a scripted fake, and an implementation over cpp-httplib and OpenSSL that verifies the
// server's certificate and host name, honours proxies, ends every request by its deadline or
// at a cancellation, caps the size of an answer, and never shows the token.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cancellation.h"
#include "error.h"

namespace cfdeploy {

inline constexpr const char* k_default_api_base_url = "https://api.cloudflare.com/client/v4";
inline constexpr const char* k_system_ca_file = "/etc/ssl/certs/ca-certificates.crt";
/// Far above any real answer; a bigger one is not read on (and not kept in memory).
inline constexpr size_t k_max_answer_bytes = size_t{4} << 20;

/// Why no usable answer arrived. `bad_body` means an HTTP answer whose body is not a
/// Cloudflare JSON envelope (an HTML error page, broken JSON, a "success" that is not a
/// boolean); `too_large` one longer than k_max_answer_bytes; `cancelled` a request that
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

struct BaseUrl {
  bool https = true;
  std::string host;
  int port = 443;
  std::string prefix;  // "/client/v4"; no trailing slash
};

/// Parses http[s]://host[:port][/prefix]; IPv6 hosts in brackets.
Result<BaseUrl> parse_base_url(std::string_view url);

struct ProxySetting {
  std::string host;
  int port = 80;
  std::string user;  // basic auth, from http://user:password@host:port
  std::string password;
};

/// Proxy variables as read from the environment (HTTPS_PROXY, https_proxy, ...).
struct ProxyEnvironment {
  std::string https_proxy;
  std::string http_proxy;
  std::string no_proxy;

  static ProxyEnvironment from_environment();
};

/// The proxy for `target`, or nullopt for a direct connection: none is set, NO_PROXY
/// matches the host, or the host is loopback (a proxy cannot reach it).
Result<std::optional<ProxySetting>> proxy_for(const BaseUrl& target,
                                              const ProxyEnvironment& environment);

struct HttpOptions {
  std::string base_url = k_default_api_base_url;
  std::string token;
  std::string ca_file;  // trusted CAs (PEM); empty: SSL_CERT_FILE, else the system bundle
  std::chrono::milliseconds connect_timeout{5000};
  // Per request, for all of it: connecting, TLS, sending, the headers and the whole body.
  std::chrono::milliseconds total_timeout{15000};
  // When set, no request outlasts it (a step's --timeout); requests after it fail at once.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // When set and cancelled, requests in flight end at once and later ones are not sent.
  Cancellation* cancellation = nullptr;
  ProxyEnvironment proxy;
};

/// CLOUDFLARE_API_BASE_URL, SSL_CERT_FILE and the proxy variables; the token is left empty.
HttpOptions http_options_from_environment();

/// The CA file that will be used: `ca_file`, else $SSL_CERT_FILE, else the system bundle.
std::string effective_ca_file(const std::string& ca_file);

/// The cpp-httplib client. Fails on a bad base URL or proxy, or an unreadable CA file.
Result<std::unique_ptr<CloudflareApi>> make_http_api(HttpOptions options);

/// `text` with every occurrence of `secret` replaced by "***" (no-op for an empty secret).
std::string scrub_secret(std::string text, std::string_view secret);

/// An HTTP answer read as Cloudflare's envelope ({"success", "result", "errors",
/// "messages"}); any other body is a `bad_body` failure quoting its start.
ApiResponse parse_api_response(int status, const std::string& body,
                               const std::string& content_type);

}  // namespace cfdeploy
