// The d1-database and d1-write checks, against a scripted API.
#include "preflight_d1_checks.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

TEST(PreflightD1Checks, MissingDatabaseFails) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name, answer(200, json::array()));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 7404);
  EXPECT_NE(all_fixes(check).find("wrangler d1 create lab-db"), std::string::npos);
  EXPECT_EQ(status_of(report, "d1-write:lab-db"), CheckStatus::skipped);
}

TEST(PreflightD1Checks, IdMismatchPointsAtTheLineWithTheRightId) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name,
          answer(200, json::array({{{"uuid", k_other_id}, {"name", "lab-db"}}})));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 10);
  EXPECT_NE(all_fixes(check).find("database_id = \"" + k_other_id + "\" at "), std::string::npos);
}

TEST(PreflightD1Checks, IdOfAnotherDatabaseFails) {
  ScriptedApi api;
  all_good(api).on("GET " + k_by_id, answer(200, {{"uuid", k_db_id}, {"name", "old-db"}}));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("'old-db'"), std::string::npos);
}

TEST(PreflightD1Checks, PlaceholderIdIsItsOwnErrorAtItsLine) {
  ScriptedApi api;
  all_good(api);
  PreflightReport report = run_checks(api, input_for("jsonc/wrangler.jsonc", "staging"));
  const CheckResult& check = *report.find("d1-database:lab-db-staging");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("placeholder"), std::string::npos);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 23);
  EXPECT_EQ(status_of(report, "d1-write:lab-db-staging"), CheckStatus::skipped);
}

TEST(PreflightD1Checks, D1ProbeRefusedFailsWithCatalogueAdvice) {
  ScriptedApi api;
  all_good(api).on("POST " + k_by_id + "/query",
                   answer(403, nullptr,
                          {{7403,
                            "The given account is not valid or is not "
                            "authorized to access this service"}}));
  PreflightReport report = run_checks(api, input_for());
  const CheckResult& check = *report.find("d1-write:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 7403);
  EXPECT_NE(all_fixes(check).find("D1 › Edit"), std::string::npos) << all_fixes(check);
  EXPECT_FALSE(report.ok());
}

TEST(PreflightD1Checks, DatabaseNotInTheConfigFails) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.databases.clear();
  input.missing_databases = {"nope"};
  PreflightReport report = run_checks(all_good(api), input);
  const CheckResult& check = *report.find("d1-database:nope");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(all_fixes(check).find("lab-db"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
