// Where and how the Cloudflare API is reached: the base URL (CLOUDFLARE_API_BASE_URL), the
// proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, read as wrangler reads them), the trusted CAs
// (SSL_CERT_FILE) and the timeouts. Pure parsing and environment look-ups: nothing here
// opens a connection. A value that cannot be used is an Error naming the value.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cancellation.h"
#include "error.h"

namespace cfdeploy {

inline constexpr const char* k_default_api_base_url = "https://api.cloudflare.com/client/v4";
inline constexpr const char* k_system_ca_file = "/etc/ssl/certs/ca-certificates.crt";

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

/// How an answer's body is read: Cloudflare's envelope, or any JSON (GitHub's REST API).
enum class AnswerFormat { cloudflare_envelope, plain_json };

struct HttpOptions {
  std::string base_url = k_default_api_base_url;
  std::string token;
  AnswerFormat answer_format = AnswerFormat::cloudflare_envelope;
  std::string accept = "application/json";
  // Sent with every request after the standard ones ("X-GitHub-Api-Version").
  std::vector<std::pair<std::string, std::string>> headers;
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

/// One of RFC 3986's unreserved characters: ASCII letters and digits, `-._~`.
bool is_unreserved_url_character(char c);

/// RFC 3986 percent-encoding, for a value in a URL's path or query: every byte but the
/// unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace cfdeploy
