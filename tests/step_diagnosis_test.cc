// A failed step's diagnosis from the environment: the token and the API's address as the step
// has them, against the fake Cloudflare API.
#include "step_diagnosis.h"

#include <gtest/gtest.h>

#include "fake_cloudflare.h"
#include "support/findings.h"
#include "support/scoped_env.h"

namespace cfdeploy {
namespace {

using nlohmann::ordered_json;
using testing::ScopedEnv;

constexpr const char* k_account = "0123456789abcdef0123456789abcdef";

Finding failed_10000() {
  return testing::finding_for(10000, "/accounts/" + std::string(k_account) + "/workers/scripts/w",
                              "Authentication error [code: 10000]");
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

TEST(StepDiagnosis, FromTheEnvironmentItTellsAnExpiredTokenApart) {
  testing::FakeCloudflare fake(expired_token_rules());
  fake.start();
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()},
                 {"CLOUDFLARE_API_TOKEN", "cfut_TokenCheckValue0123456789abcdefGHIJ"}});
  Diagnosis diagnosis = diagnose_step_failure(failed_10000(), {}, std::nullopt, nullptr);
  ASSERT_TRUE(diagnosis.token);
  EXPECT_EQ(diagnosis.token->status, TokenStatus::expired);
  EXPECT_EQ(diagnosis.conclusion,
            "The token expired on 2026-01-31T00:00:00Z: that is why Cloudflare refused it.");
  EXPECT_FALSE(fake.requests().empty());
}

TEST(StepDiagnosis, WithoutATokenNothingIsAskedAndTheTokenStaysUnknown) {
  ScopedEnv env(
      {{"CLOUDFLARE_API_TOKEN", " \n"}, {"CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:1"}});
  Diagnosis diagnosis = diagnose_step_failure(failed_10000(), {}, std::nullopt, nullptr);
  EXPECT_TRUE(diagnosis.could_not_check);
  ASSERT_TRUE(diagnosis.token);
  EXPECT_EQ(diagnosis.token->status, TokenStatus::unknown);
  EXPECT_NE(explain_token_state(*diagnosis.token).find("stays ambiguous"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
