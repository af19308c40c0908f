// Token verification: against a scripted API, then from the environment against the fake
// Cloudflare API, and what each state means for an ambiguous 10000.
#include "token_check.h"

#include <gtest/gtest.h>

#include "fake_cloudflare.h"
#include "support/preflight_fixtures.h"
#include "support/scoped_env.h"

namespace cfdeploy {
namespace {

using nlohmann::ordered_json;
using namespace testing;  // the preflight fixtures

TEST(TokenCheck, VerifyTokenIsUnknownWhenTheApiIsDown) {
  ScriptedApi api;
  api.on("GET /user/tokens/verify", answer(500, nullptr));
  TokenState state = verify_token(api, k_account);
  EXPECT_EQ(state.status, TokenStatus::unknown);
  EXPECT_EQ(state.requests.size(), 1u);
}

TEST(TokenCheck, CodeOneThousandAsksTheAccountEndpoint) {
  ScriptedApi api;
  api.on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}))
      .on("GET " + k_base + "/tokens/verify", token_status("active"));
  TokenState state = verify_token(api, k_account);
  EXPECT_EQ(state.status, TokenStatus::active);
  EXPECT_TRUE(state.account_owned);
  EXPECT_EQ(state.requests, (std::vector<std::string>{"GET /user/tokens/verify -> 401 [code: 1000]",
                                                      "GET " + k_base + "/tokens/verify -> 200"}));
}

TEST(TokenCheck, WithoutAnAccountIdARefusedTokenIsInvalid) {
  ScriptedApi api;
  api.on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}));
  TokenState state = verify_token(api, "");
  EXPECT_EQ(state.status, TokenStatus::invalid);
  EXPECT_EQ(state.code, 1000);
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET /user/tokens/verify"}));
}

ordered_json expired_token_rules() {
  ordered_json body = {
      {"success", true},
      {"errors", ordered_json::array()},
      {"messages", ordered_json::array()},
      {"result", {{"id", "t1"}, {"status", "expired"}, {"expires_on", "2026-01-31T00:00:00Z"}}}};
  return {{"rules", ordered_json::array({{{"method", "GET"},
                                          {"path", "/client/v4/user/tokens/verify"},
                                          {"status", 200},
                                          {"json", body}}})}};
}

TEST(TokenCheck, VerifyingFromTheEnvironmentTellsAnExpiredTokenApart) {
  testing::FakeCloudflare fake(expired_token_rules());
  fake.start();
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()},
                 {"CLOUDFLARE_API_TOKEN", "cfut_TokenCheckValue0123456789abcdefGHIJ"}});
  TokenState state = verify_token_from_environment(k_account);
  EXPECT_EQ(state.status, TokenStatus::expired);
  EXPECT_EQ(explain_token_state(state),
            "The token expired on 2026-01-31T00:00:00Z: that is why Cloudflare refused it.");
}

TEST(TokenCheck, VerifyingWithoutATokenIsUnknown) {
  ScopedEnv env(
      {{"CLOUDFLARE_API_TOKEN", " \n"}, {"CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:1"}});
  TokenState state = verify_token_from_environment(k_account);
  EXPECT_EQ(state.status, TokenStatus::unknown);
  EXPECT_NE(explain_token_state(state).find("stays ambiguous"), std::string::npos);
}

TEST(TokenCheck, AnActiveTokenMakesTheTenThousandAMissingPermission) {
  TokenState state;
  state.status = TokenStatus::active;
  EXPECT_NE(explain_token_state(state).find("lacks a permission"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
