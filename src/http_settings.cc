#include "http_settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "ascii_case.h"
#include "environment.h"

namespace cfdeploy {
namespace {

std::string first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (std::string value = env_or_empty(name); !value.empty()) {
      return value;
    }
  }
  return "";
}

bool is_loopback(std::string host) {
  host = to_lower(host);
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") ||
         host == "::1" || host == "[::1]";
}

bool no_proxy_matches(const std::string& no_proxy, const std::string& host) {
  std::string name = to_lower(host);
  std::string list = to_lower(no_proxy);
  std::replace(list.begin(), list.end(), ',', ' ');
  std::istringstream entries(list);
  for (std::string entry; entries >> entry;) {
    entry = entry.substr(0, entry.find(':'));
    entry.erase(0, entry.starts_with("*.") ? 2 : entry.starts_with(".") ? 1 : 0);
    if (entry == "*" || name == entry || name.ends_with("." + entry)) {
      return true;
    }
  }
  return false;
}

Result<ProxySetting> parse_proxy(std::string url) {
  std::string scheme = to_lower(url.substr(0, url.find("://")));
  if (url.find("://") != std::string::npos) {
    if (scheme != "http") {
      return Error{"using the proxy from HTTPS_PROXY/HTTP_PROXY",
                   "only http:// proxies are supported, not " + scheme + "://"};
    }
    url.erase(0, url.find("://") + 3);
  }
  url = url.substr(0, url.find('/'));
  ProxySetting proxy;
  if (size_t at = url.rfind('@'); at != std::string::npos) {
    std::string user = url.substr(0, at);
    proxy.user = user.substr(0, user.find(':'));
    proxy.password = user.find(':') == std::string::npos ? "" : user.substr(user.find(':') + 1);
    url.erase(0, at + 1);
  }
  size_t colon = url.rfind(':');
  if (colon != std::string::npos && url.find(']', colon) == std::string::npos) {
    const char* digits = url.data() + colon + 1;
    int port = 0;
    auto [end, error] = std::from_chars(digits, url.data() + url.size(), port);
    bool whole = error == std::errc() && end == url.data() + url.size();
    proxy.port = whole ? port : 0;  // "host:abc" is refused below, not taken as port 80
    url.erase(colon);
  }
  proxy.host = url;
  if (proxy.host.empty() || proxy.port <= 0 || proxy.port > 65535) {
    return Error{"using the proxy from HTTPS_PROXY/HTTP_PROXY", "not a host:port proxy address"};
  }
  return proxy;
}

}  // namespace

Result<BaseUrl> parse_base_url(std::string_view url) {
  Error bad{"reading the API base URL '" + std::string(url) + "'",
            "expected http://HOST[:PORT][/PATH] or https://…"};
  std::string rest(url);
  BaseUrl base;
  std::string scheme = to_lower(rest.substr(0, rest.find("://")));
  if (rest.find("://") == std::string::npos || (scheme != "http" && scheme != "https")) {
    return bad;
  }
  base.https = scheme == "https";
  base.port = base.https ? 443 : 80;
  rest.erase(0, scheme.size() + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  base.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!base.prefix.empty() && base.prefix.back() == '/') {
    base.prefix.pop_back();
  }
  size_t bracket = authority.find(']');
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) ||
        std::stoi(port) == 0 || std::stoi(port) > 65535) {
      return bad;
    }
    base.port = std::stoi(port);
    authority.erase(colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  base.host = authority;
  if (base.host.empty() || base.host.find_first_of("@ ") != std::string::npos) {
    return bad;
  }
  return base;
}

ProxyEnvironment ProxyEnvironment::from_environment() {
  // Lower case first, as wrangler's HTTP stack (undici) reads them.
  return ProxyEnvironment{first_set({"https_proxy", "HTTPS_PROXY"}),
                          first_set({"http_proxy", "HTTP_PROXY"}),
                          first_set({"no_proxy", "NO_PROXY"})};
}

Result<std::optional<ProxySetting>> proxy_for(const BaseUrl& target,
                                              const ProxyEnvironment& environment) {
  std::string url = target.https && !environment.https_proxy.empty() ? environment.https_proxy
                                                                     : environment.http_proxy;
  if (url.empty() || is_loopback(target.host) ||
      no_proxy_matches(environment.no_proxy, target.host)) {
    return std::optional<ProxySetting>();
  }
  Result<ProxySetting> proxy = parse_proxy(url);
  if (!proxy) {
    return proxy.error();
  }
  return std::optional<ProxySetting>(proxy.value());
}

HttpOptions http_options_from_environment() {
  HttpOptions options;
  // CF_API_BASE_URL is the older name wrangler still accepts.
  std::string base = first_set({"CLOUDFLARE_API_BASE_URL", "CF_API_BASE_URL"});
  if (!base.empty()) {
    options.base_url = base;
  }
  options.proxy = ProxyEnvironment::from_environment();
  return options;
}

std::string effective_ca_file(const std::string& ca_file) {
  if (!ca_file.empty()) {
    return ca_file;
  }
  std::string from_environment = env_or_empty("SSL_CERT_FILE");
  return from_environment.empty() ? k_system_ca_file : from_environment;
}

bool is_unreserved_url_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (is_unreserved_url_character(c)) {
      out += c;
    } else {
      out += {'%', k_hex[byte >> 4], k_hex[byte & 0x0F]};
    }
  }
  return out;
}

}  // namespace cfdeploy
