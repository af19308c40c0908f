// Token verification against a scripted API, and what each state means for an ambiguous 10000.
// (From the environment, against the fake Cloudflare API: step_diagnosis_test.cc.)
#include "token_check.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

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

TEST(TokenCheck, AnActiveTokenMakesTheTenThousandAMissingPermission) {
  TokenState state;
  state.status = TokenStatus::active;
  EXPECT_NE(explain_token_state(state).find("lacks a permission"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
