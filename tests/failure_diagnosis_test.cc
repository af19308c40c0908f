// The diagnosis after a failure, against a scripted API: which checks each kind of failure
// asks for, and what their answers make of it.
#include "failure_diagnosis.h"

#include <gtest/gtest.h>

#include "support/findings.h"
#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

const std::string k_query_path = k_by_id + "/query";
const std::string k_7403_text =
    "The given account is not valid or is not authorized to access this service [code: 7403]";
const std::string k_d1_edit = "Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The fixture project as a migrate step reads it: the one database, no probes.
PreflightInput step_input() {
  PreflightInput input = input_for();
  input.d1_write = false;
  input.workers_scripts = false;
  return input;
}

Diagnosis diagnose(CloudflareApi& api, const Finding& finding,
                   const PreflightInput& input = step_input()) {
  return diagnose_failure(api, finding, input, builtin_catalogue());
}

Finding d1_7403() { return finding_for(7403, k_query_path, k_7403_text); }
Finding d1_7404() {
  return finding_for(7404, k_query_path, "The database could not be found [code: 7404]");
}

TEST(FailureDiagnosis, EachRowOfTheTableHasItsKind) {
  EXPECT_EQ(diagnosis_kind(d1_7403()), DiagnosisKind::d1_access);
  EXPECT_EQ(diagnosis_kind(finding_for(10000, k_query_path, "Authentication error [code: 10000]")),
            DiagnosisKind::credential);
  EXPECT_EQ(diagnosis_kind(finding_for(9109, "/memberships", "Invalid access token [code: 9109]")),
            DiagnosisKind::credential);
  EXPECT_EQ(diagnosis_kind(d1_7404()), DiagnosisKind::not_found);
  EXPECT_EQ(diagnosis_kind(finding_for(std::nullopt, "",
                                       "Couldn't find a D1 DB named 'lab-db' in your account")),
            DiagnosisKind::not_found);
  EXPECT_EQ(diagnosis_kind(finding_for(7003, k_base + "/workers/scripts/w",
                                       "Could not route to /accounts [code: 7003]")),
            DiagnosisKind::account);
  EXPECT_EQ(diagnosis_kind(finding_for(std::nullopt, "", "More than one account available")),
            DiagnosisKind::account);
}

TEST(FailureDiagnosis, FailuresTheApiCannotExplainFurtherHaveNoKind) {
  // No token reached wrangler: nothing was asked, so there is nothing to verify.
  EXPECT_FALSE(diagnosis_kind(
      finding_for(std::nullopt, "", "it's necessary to set a CLOUDFLARE_API_TOKEN")));
  EXPECT_FALSE(diagnosis_kind(
      finding_for(7500, k_query_path, "near \"CREAT\": syntax error at offset 0: SQLITE_ERROR")));
}

TEST(FailureDiagnosis, ReadsTheAccountAndDatabaseOutOfTheFailedPath) {
  FailurePath path = read_failure_path(k_query_path);
  EXPECT_EQ(path.account_id, k_account);
  EXPECT_EQ(path.database_id, k_db_id);
  EXPECT_EQ(read_failure_path("/accounts/***/d1/database/***/query").account_id, "");
  EXPECT_EQ(read_failure_path("/memberships").database_id, "");
}

TEST(FailureDiagnosis, A7403OnD1WithAValidTokenAndAnExistingDatabaseLacksD1Edit) {
  ScriptedApi api;
  all_good(api);
  Diagnosis diagnosis = diagnose(api, d1_7403());
  EXPECT_EQ(diagnosis.kind, DiagnosisKind::d1_access);
  EXPECT_FALSE(diagnosis.could_not_check);
  EXPECT_EQ(diagnosis.conclusion, "The token is valid and reaches account " + k_account +
                                      " ('Lab Account'); database 'lab-db' (" + k_db_id +
                                      ") exists there; so the token lacks " + k_d1_edit +
                                      " on this account.");
  EXPECT_FALSE(diagnosis.config_fix);
  // Read-only: the diagnosis never runs a query.
  for (const std::string& request : api.seen()) {
    EXPECT_EQ(request.rfind("GET ", 0), 0u) << request;
  }
}

TEST(FailureDiagnosis, A7403OnD1ForADatabaseOfAnotherAccountSaysSo) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name, answer(200, json::array()));
  Diagnosis diagnosis = diagnose(api, d1_7403());
  EXPECT_TRUE(contains(diagnosis.conclusion,
                       "is not in it: the database belongs to another "
                       "account, or its id is stale"))
      << diagnosis.conclusion;
}

TEST(FailureDiagnosis, A7403OnD1WhereTheTokenMayNotReadD1EitherLacksD1Access) {
  ScriptedApi api;
  all_good(api).on("GET " + k_by_id, answer(403, nullptr, {{7403, "not authorized"}}));
  Diagnosis diagnosis = diagnose(api, d1_7403());
  EXPECT_TRUE(contains(diagnosis.conclusion, "may not read its D1 databases either"))
      << diagnosis.conclusion;
  EXPECT_TRUE(contains(diagnosis.conclusion, "lacks " + k_d1_edit));
}

TEST(FailureDiagnosis, AStaleDatabaseIdGetsTheLineWithTheRightId) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name,
          answer(200, json::array({{{"uuid", k_other_id}, {"name", "lab-db"}}})));
  Diagnosis diagnosis = diagnose(api, d1_7404());
  EXPECT_EQ(diagnosis.kind, DiagnosisKind::not_found);
  ASSERT_TRUE(diagnosis.config_fix);
  EXPECT_EQ(diagnosis.config_fix->where.line, 10);
  EXPECT_EQ(diagnosis.config_fix->line, "database_id = \"" + k_db_id + "\"");
  EXPECT_EQ(diagnosis.config_fix->replacement, "database_id = \"" + k_other_id + "\"");
  EXPECT_TRUE(contains(diagnosis.conclusion, "'lab-db' there has id " + k_other_id))
      << diagnosis.conclusion;
  EXPECT_TRUE(contains(diagnosis.conclusion, "is stale"));
}

TEST(FailureDiagnosis, ADatabaseFoundNowhereListsTheAccountsDatabases) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name, answer(200, json::array()))
      .on("GET " + k_base + "/d1/database?per_page=100",
          answer(200, json::array({{{"uuid", k_other_id}, {"name", "notes-db"}}})));
  Diagnosis diagnosis = diagnose(api, d1_7404());
  EXPECT_FALSE(diagnosis.config_fix);
  EXPECT_EQ(diagnosis.conclusion, "The D1 databases in account " + k_account +
                                      " ('Lab Account') are: 'notes-db' (" + k_other_id + ").");
}

TEST(FailureDiagnosis, AnExpiredTokenSaysWhen) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", token_status("expired", "2026-01-31T00:00:00Z"));
  Diagnosis diagnosis =
      diagnose(api, finding_for(10000, k_query_path, "Authentication error [code: 10000]"));
  EXPECT_EQ(diagnosis.kind, DiagnosisKind::credential);
  EXPECT_EQ(diagnosis.conclusion,
            "The token expired on 2026-01-31T00:00:00Z: that is why Cloudflare refused it.");
}

TEST(FailureDiagnosis, AValidTokenThatReachesTheAccountIsMissingAPermission) {
  ScriptedApi api;
  all_good(api);
  Diagnosis diagnosis =
      diagnose(api, finding_for(10000, k_query_path, "Authentication error [code: 10000]"));
  EXPECT_TRUE(contains(diagnosis.conclusion, "The token is valid and reaches account " + k_account +
                                                 " ('Lab Account'), so it is missing "
                                                 "a permission this request needs"))
      << diagnosis.conclusion;
  ASSERT_TRUE(diagnosis.token);
  EXPECT_EQ(diagnosis.token->status, TokenStatus::active);
}

TEST(FailureDiagnosis, AValidTokenThatCannotReachTheAccountIsForAnotherAccount) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base, answer(403, nullptr, {{9109, "Unauthorized to access"}}));
  Diagnosis diagnosis =
      diagnose(api, finding_for(10000, k_base + "/workers/scripts/w", "Authentication error"));
  EXPECT_TRUE(contains(diagnosis.conclusion,
                       "The token is valid, but it cannot reach account " + k_account))
      << diagnosis.conclusion;
}

TEST(FailureDiagnosis, AServerErrorIsCouldNotCheck) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", answer(503, nullptr));
  Diagnosis diagnosis =
      diagnose(api, finding_for(10000, k_query_path, "Authentication error [code: 10000]"));
  EXPECT_TRUE(diagnosis.could_not_check);
  EXPECT_EQ(diagnosis.conclusion.rfind("Could not check the token (", 0), 0u)
      << diagnosis.conclusion;
}

TEST(FailureDiagnosis, WithoutATokenNothingIsAskedAndItCouldNotCheck) {
  ScriptedApi api;
  PreflightInput input = step_input();
  input.token = TokenPresence::unset;
  Diagnosis diagnosis = diagnose(api, d1_7403(), input);
  EXPECT_TRUE(diagnosis.could_not_check);
  EXPECT_TRUE(api.seen().empty());
  EXPECT_TRUE(contains(diagnosis.conclusion, "CLOUDFLARE_API_TOKEN is not set or empty"));
}

TEST(FailureDiagnosis, TooManyAccountsListsThemByNameAndId) {
  ScriptedApi api;
  all_good(api).on("GET /accounts?per_page=50",
                   answer(200, json::array({{{"id", k_account}, {"name", "Lab Account"}},
                                            {{"id", "fedcba9876543210fedcba9876543210"},
                                             {"name", "Other Account"}}})));
  PreflightInput input = step_input();
  input.config->account_id = {};
  input.account = {};
  Diagnosis diagnosis = diagnose(
      api, finding_for(std::nullopt, "", "More than one account available but unable to select"),
      input);
  EXPECT_EQ(diagnosis.kind, DiagnosisKind::account);
  EXPECT_EQ(diagnosis.conclusion,
            "The token reaches 2 accounts: 'Lab Account' (" + k_account +
                "), 'Other Account' (fedcba9876543210fedcba9876543210). No account id is set: "
                "set account_id in " +
                input.config->path + ", or CLOUDFLARE_ACCOUNT_ID, to one of them.");
  EXPECT_FALSE(diagnosis.config_fix);
}

TEST(FailureDiagnosis, AWrongAccountIdGetsTheOneTheTokenReachesAtItsLine) {
  const std::string right = "fedcba9876543210fedcba9876543210";
  ScriptedApi api;
  api.on("GET /user/tokens/verify", token_status("active"))
      .on("GET /accounts?per_page=50",
          answer(200, json::array({{{"id", right}, {"name", "Other Account"}}})));
  Diagnosis diagnosis =
      diagnose(api, finding_for(7003, k_base + "/workers/scripts/lab-worker",
                                "Could not route to /accounts/x, perhaps your object identifier is "
                                "invalid? [code: 7003]"));
  ASSERT_TRUE(diagnosis.config_fix) << diagnosis.conclusion;
  EXPECT_EQ(diagnosis.config_fix->where.line, 5);
  EXPECT_EQ(diagnosis.config_fix->replacement, "account_id = \"" + right + "\"");
  EXPECT_TRUE(contains(diagnosis.conclusion, "Account " + k_account)) << diagnosis.conclusion;
  EXPECT_TRUE(contains(diagnosis.conclusion, "is not one of them: set account_id at "))
      << diagnosis.conclusion;
}

TEST(FailureDiagnosis, AMissingWorkerListsTheAccountsWorkers) {
  ScriptedApi api;
  all_good(api);
  Diagnosis diagnosis =
      diagnose(api, finding_for(10007, k_base + "/workers/scripts/lab-wroker/secrets",
                                "This Worker does not exist on your account. [code: 10007]"));
  EXPECT_EQ(diagnosis.conclusion,
            "The Workers in account " + k_account + " ('Lab Account') are: 'lab-worker'.");
}

TEST(FailureDiagnosis, AMissingPagesProjectListsTheAccountsProjects) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base + "/pages/projects",
                   answer(200, json::array({{{"name", "lab-site"}}})));
  Diagnosis diagnosis = diagnose(api, finding_for(8000007, k_base + "/pages/projects/lab-sit",
                                                  "Project not found. [code: 8000007]"));
  EXPECT_EQ(diagnosis.conclusion,
            "The Pages projects in account " + k_account + " ('Lab Account') are: 'lab-site'.");
}

}  // namespace
}  // namespace cfdeploy
