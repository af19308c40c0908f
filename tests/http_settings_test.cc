// The API's base URL and the proxy chosen for it, read as wrangler reads them.
#include "http_settings.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(HttpSettings, ParsesBaseUrls) {
  Result<BaseUrl> plain = parse_base_url("http://127.0.0.1:8788/client/v4/");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain.value().https);
  EXPECT_EQ(plain.value().host, "127.0.0.1");
  EXPECT_EQ(plain.value().port, 8788);
  EXPECT_EQ(plain.value().prefix, "/client/v4");
  Result<BaseUrl> real = parse_base_url(k_default_api_base_url);
  ASSERT_TRUE(real.ok());
  EXPECT_TRUE(real.value().https);
  EXPECT_EQ(real.value().port, 443);
  EXPECT_EQ(real.value().host, "api.cloudflare.com");
  Result<BaseUrl> ipv6 = parse_base_url("https://[::1]:9443");
  ASSERT_TRUE(ipv6.ok());
  EXPECT_EQ(ipv6.value().host, "::1");
  EXPECT_EQ(ipv6.value().prefix, "");
  for (const char* bad : {"api.cloudflare.com", "ftp://x/", "https://:443/", "http://h:99999/"}) {
    EXPECT_FALSE(parse_base_url(bad).ok()) << bad;
  }
}

TEST(HttpSettings, PicksTheProxyLikeWrangler) {
  BaseUrl api = parse_base_url(k_default_api_base_url).value();
  ProxyEnvironment environment{"http://user:pw@proxy.internal:3128", "http://other:80", ""};
  Result<std::optional<ProxySetting>> proxy = proxy_for(api, environment);
  ASSERT_TRUE(proxy.ok() && proxy.value());
  EXPECT_EQ(proxy.value()->host, "proxy.internal");
  EXPECT_EQ(proxy.value()->port, 3128);
  EXPECT_EQ(proxy.value()->user, "user");
  EXPECT_EQ(proxy.value()->password, "pw");
  environment.https_proxy.clear();
  EXPECT_EQ(proxy_for(api, environment).value()->host, "other");
  environment.no_proxy = "localhost, .cloudflare.com";
  EXPECT_FALSE(proxy_for(api, environment).value());
}

TEST(HttpSettings, NeverProxiesLoopbackAndRejectsHttpsProxies) {
  ProxyEnvironment environment{"http://proxy.internal:3128", "", ""};
  EXPECT_FALSE(proxy_for(parse_base_url("http://127.0.0.1:1/").value(), environment).value());
  EXPECT_FALSE(proxy_for(parse_base_url("https://localhost/").value(), environment).value());
  environment.https_proxy = "https://proxy.internal:443";
  EXPECT_FALSE(proxy_for(parse_base_url(k_default_api_base_url).value(), environment).ok());
}

TEST(HttpSettings, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("[{\"k\": 1}]/\xE2\x80\xBA"), "%5B%7B%22k%22%3A%201%7D%5D%2F%E2%80%BA");
}

}  // namespace
}  // namespace cfdeploy
