// Which requests preflight sends, and that it sends them at once.
#include "preflight_requests.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

TEST(PreflightRequests, RunsTheRequestsConcurrently) {
  ScriptedApi api;
  all_good(api).hold_until_in_flight(6);
  PreflightReport report = run_checks(api, input_for());
  EXPECT_EQ(api.seen().size(), 6u);
  EXPECT_EQ(api.most_in_flight(), 6) << "all six requests wait for each other";
  EXPECT_TRUE(report.ok());
}

TEST(PreflightRequests, MissingTokenFailsAndSendsNoRequest) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.token = TokenPresence::unset;
  PreflightReport report = run_checks(api, input);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(status_of(report, "token-set"), CheckStatus::fail);
  EXPECT_EQ(status_of(report, "token-valid"), CheckStatus::skipped);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::skipped);
  EXPECT_TRUE(api.seen().empty());
}

TEST(PreflightRequests, EmailAsAccountIdIsNamedAndNotSent) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.account = choose_account("", nullptr, "dev@example.com");
  PreflightReport report = run_checks(all_good(api), input);
  const CheckResult& check = *report.find("account");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("e-mail address"), std::string::npos);
  EXPECT_NE(check.detail.find("CLOUDFLARE_ACCOUNT_ID"), std::string::npos);
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET /user/tokens/verify"}));
}

TEST(PreflightRequests, AnAccountIdThatIsNotOneGetsOnlyTheTokenVerified) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.account = choose_account("not-an-account-id", &*input.config, "");
  PreflightAnswers answers = ask_cloudflare(all_good(api), input);
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET /user/tokens/verify"}));
  ASSERT_TRUE(answers.token);
  EXPECT_EQ(answers.token->status, TokenStatus::active);
  EXPECT_EQ(answers.account_id, "not-an-account-id");
  EXPECT_TRUE(answers.databases.empty());
}

TEST(PreflightRequests, EachDatabaseIsAskedByIdByNameAndProbed) {
  ScriptedApi api;
  PreflightAnswers answers = ask_cloudflare(all_good(api), input_for());
  const DatabaseAnswers& db = answers.databases.at("lab-db");
  ASSERT_TRUE(db.by_id && db.by_name && db.query);
  EXPECT_EQ(db.by_id->line, "GET " + k_by_id + " -> 200");
  EXPECT_EQ(db.by_name->line, "GET " + k_by_name + " -> 200");
  EXPECT_EQ(db.query->line, "POST " + k_by_id + "/query -> 200");
}

}  // namespace
}  // namespace cfdeploy
