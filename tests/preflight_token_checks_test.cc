// The token-set, token-valid, account and workers-scripts checks, against a scripted API.
#include "preflight_token_checks.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

TEST(PreflightTokenChecks, EmptyTokenCountsAsUnsetAndMentionsForks) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.token = TokenPresence::empty;
  input.fork_pull_request = true;
  PreflightReport report = run_checks(api, input);
  const CheckResult& check = *report.find("token-set");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("empty, which counts as unset"), std::string::npos);
  EXPECT_NE(check.detail.find("from a fork"), std::string::npos);
  EXPECT_NE(all_fixes(check).find("forks"), std::string::npos);
}

TEST(PreflightTokenChecks, ExpiredTokenGivesItsExpiry) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", token_status("expired", "2026-01-31T00:00:00Z"));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("token-valid");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("expired on 2026-01-31T00:00:00Z"), std::string::npos);
  EXPECT_EQ(status_of(report, "account"), CheckStatus::skipped);
}

TEST(PreflightTokenChecks, DisabledTokenFails) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", token_status("disabled"));
  EXPECT_EQ(status_of(run_checks(api, input_for()), "token-valid"), CheckStatus::fail);
}

TEST(PreflightTokenChecks, InvalidTokenFailsWithCatalogueAdvice) {
  ScriptedApi api;
  all_good(api)
      .on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}))
      .on("GET " + k_base + "/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("token-valid");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 1000);
  EXPECT_NE(all_fixes(check).find("account-owned token"), std::string::npos);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::skipped);
}

TEST(PreflightTokenChecks, AccountOwnedTokenIsVerifiedAtTheAccount) {
  ScriptedApi api;
  all_good(api)
      .on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}))
      .on("GET " + k_base + "/tokens/verify", token_status("active"));
  PreflightReport report = run_checks(api, input_for());
  EXPECT_EQ(status_of(report, "token-valid"), CheckStatus::pass);
  EXPECT_NE(report.find("token-valid")->detail.find("account-owned"), std::string::npos);
  EXPECT_EQ(report.find("token-valid")->requests.size(), 2u);
}

TEST(PreflightTokenChecks, AccountTheTokenCannotReachFails) {
  ScriptedApi api;
  ApiResponse refused = answer(403, nullptr, {{9109, "Unauthorized to access requested resource"}});
  ApiResponse no_d1 = answer(403, nullptr, {{7403, "The given account is not valid"}});
  all_good(api)
      .on("GET " + k_base, refused)
      .on("GET " + k_by_id, no_d1)
      .on("GET " + k_by_name, no_d1)
      .on("POST " + k_by_id + "/query", no_d1)
      .on("GET " + k_base + "/workers/scripts", refused);
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("account");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 5);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::could_not_check);
  EXPECT_EQ(status_of(report, "d1-write:lab-db"), CheckStatus::fail);
  EXPECT_EQ(report.find("d1-write:lab-db")->code, 7403);
}

TEST(PreflightTokenChecks, AccountDetailsRefusedButReachedElsewherePasses) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base, answer(403, nullptr, {{9109, "Unauthorized"}}));
  EXPECT_EQ(status_of(run_checks(api, input_for()), "account"), CheckStatus::pass);
}

TEST(PreflightTokenChecks, NoAccountIdUsesTheOnlyAccountTheTokenSees) {
  ScriptedApi api;
  all_good(api).on("GET /accounts?per_page=50",
                   answer(200, json::array({{{"id", k_account}, {"name", "Lab Account"}}})));
  PreflightInput input = input_for();
  input.account = AccountChoice{};
  PreflightReport report = run_checks(api, input);
  EXPECT_EQ(status_of(report, "account"), CheckStatus::pass);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::pass);
}

TEST(PreflightTokenChecks, WorkersProbeRefusedFails) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base + "/workers/scripts",
                   answer(403, nullptr, {{10000, "Authentication error"}}));
  EXPECT_EQ(status_of(run_checks(api, input_for()), "workers-scripts"), CheckStatus::fail);
}

}  // namespace
}  // namespace cfdeploy
