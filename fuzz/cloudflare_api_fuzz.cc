// The parsing behind the Cloudflare API client: parse_base_url (CLOUDFLARE_API_BASE_URL)
// and proxy_for (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) from http_settings.h, and scrub_secret
// from api_response.h. The envelope parser (body -> ApiResponse) is api_response_fuzz's.
// A parsed URL must print back to itself; a proxy must be a usable host:port; a scrubbed
// text must not contain the secret.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "api_response.h"
#include "fuzz_support.h"
#include "http_settings.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

std::string print(const BaseUrl& base) {
  std::string host = base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host;
  return (base.https ? "https://" : "http://") + host + ":" + std::to_string(base.port) +
         base.prefix;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::string url = input.ConsumeRandomLengthString(200);
  Result<BaseUrl> base = parse_base_url(url);
  if (base) {
    const BaseUrl& got = base.value();
    check(!got.host.empty() && got.port >= 1 && got.port <= 65535, "a usable host and port");
    check(!got.prefix.ends_with('/'), "no trailing slash on the prefix");
    Result<BaseUrl> again = parse_base_url(print(got));
    check(again.ok(), "a parsed URL parses again");
    const BaseUrl& other = again.value();
    check(other.https == got.https && other.host == got.host && other.port == got.port &&
              other.prefix == got.prefix,
          "a parsed URL prints back to itself");
  }

  ProxyEnvironment environment{input.ConsumeRandomLengthString(100),
                               input.ConsumeRandomLengthString(100),
                               input.ConsumeRandomLengthString(100)};
  BaseUrl target = base ? base.value() : BaseUrl{true, "api.example.com", 443, "/client/v4"};
  Result<std::optional<ProxySetting>> proxy = proxy_for(target, environment);
  if (proxy && proxy.value()) {
    check(!proxy.value()->host.empty(), "a proxy has a host");
    check(proxy.value()->port >= 1 && proxy.value()->port <= 65535, "a proxy has a usable port");
  }

  std::string secret = input.ConsumeRandomLengthString(40);
  std::string text = input.ConsumeRemainingBytesAsString();
  std::string scrubbed = scrub_secret(text, secret);
  if (secret.empty()) {
    check(scrubbed == text, "an empty secret changes nothing");
  } else if (secret.find('*') == std::string::npos) {  // "***" itself could spell the secret
    check(scrubbed.find(secret) == std::string::npos, "the secret is gone");
  }
  return 0;
}
