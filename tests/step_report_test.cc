#include "step_report.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

StepResult failed_7403() {
  StepResult result;
  Finding finding;
  finding.entry = builtin_catalogue().best_match(
      {7403, "/accounts/a/d1/database/b/query", {}, "not authorized [code: 7403]"});
  finding.code = 7403;
  finding.line = 8;
  finding.evidence = "not authorized [code: 7403]";
  finding.migration = "0001_init.sql";
  result.verdict.ok = false;
  result.verdict.primary = finding;
  AttemptRecord attempt;
  attempt.exit_status = 1;
  attempt.failure_class = FailureClass::authorization;
  attempt.code = 7403;
  attempt.duration = std::chrono::milliseconds(1200);
  result.attempts.push_back(attempt);
  result.exit_code = 1;
  result.retry_note = "not retried: retrying cannot fix authorization failures";
  return result;
}

TEST(StepReport, JsonHasTheExplainFieldsAndTheAttempts) {
  nlohmann::json report = step_report_json(failed_7403(), {"wrangler", "deploy"});
  EXPECT_EQ(report["class"], "authorization");
  EXPECT_EQ(report["code"], 7403);
  EXPECT_EQ(report["outcome"], "failure");
  EXPECT_EQ(report["exit_code"], 1);
  ASSERT_EQ(report["attempts"].size(), 1u);
  EXPECT_EQ(report["attempts"][0]["code"], 7403);
  EXPECT_EQ(report["attempts"][0]["class"], "authorization");
  EXPECT_EQ(report["attempts"][0]["duration_ms"], 1200);
  EXPECT_TRUE(report["deployment_url"].is_null());
  EXPECT_EQ(report["migrations_applied"], 0);
  EXPECT_EQ(report["command"][1], "deploy");
}

TEST(StepReport, JsonListsTheFixesOfACredentialFailure) {
  nlohmann::json report =
      step_report_json(failed_7403(), {"/usr/bin/wrangler", "d1", "migrations", "apply", "DB"},
                       {"https://github.com", "acme/notes", "42"});
  ASSERT_EQ(report["fixes"].size(), 3u) << report.dump(2);
  EXPECT_EQ(report["fixes"][0]["kind"], "token");
  EXPECT_NE(report["fixes"][0]["url"].get<std::string>().find("%22d1%22"), std::string::npos);
  EXPECT_EQ(report["fixes"][1]["kind"], "secret");
  EXPECT_EQ(report["fixes"][1]["url"], "https://github.com/acme/notes/settings/secrets/actions");
  EXPECT_EQ(report["fixes"][2]["kind"], "rerun");
  EXPECT_EQ(report["fixes"][2]["command"], "gh run rerun 42 --failed");
  EXPECT_FALSE(report["fixes"][0].contains("command"));
}

TEST(StepReport, AnAccountOwnedTokenGetsTheAccountTokenForm) {
  StepResult result = failed_7403();
  Diagnosis diagnosis;
  diagnosis.token = TokenState{TokenStatus::active, true, "", std::nullopt, "", {}};
  result.diagnosis = diagnosis;
  nlohmann::json report = step_report_json(result, {"wrangler", "d1", "migrations", "apply"});
  EXPECT_EQ(report["fixes"][0]["url"].get<std::string>().rfind(
                "https://dash.cloudflare.com/?to=/:account/api-tokens&permissionGroupKeys=", 0),
            0u)
      << report["fixes"][0];
}

TEST(StepReport, AConfigurationFixComesFirstAndTheDiagnosisIsInTheReport) {
  StepResult result = failed_7403();
  Diagnosis diagnosis;
  diagnosis.kind = DiagnosisKind::d1_access;
  diagnosis.conclusion = "the database belongs to another account";
  ConfigFix fix;
  fix.where = {"wrangler.toml", 8};
  fix.key = "database_id";
  fix.value = "new";
  fix.line = "id = \"old\"";
  fix.replacement = "id = \"new\"";
  diagnosis.config_fix = fix;
  result.diagnosis = diagnosis;
  nlohmann::json report = step_report_json(result, {"wrangler", "d1", "migrations", "apply"});
  EXPECT_EQ(report["diagnosis"]["kind"], "d1_access");
  EXPECT_EQ(report["diagnosis"]["conclusion"], "the database belongs to another account");
  ASSERT_EQ(report["fixes"].size(), 2u) << report["fixes"];
  EXPECT_EQ(report["fixes"][0]["kind"], "config");
  EXPECT_EQ(report["fixes"][0]["line"], 8);
  EXPECT_EQ(report["fixes"][0]["replacement"], "id = \"new\"");
  EXPECT_EQ(report["fixes"][1]["kind"], "token");
  std::string text = step_summary_text(result);
  EXPECT_NE(text.find("cfdeploy: diagnosis: the database belongs to another account\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cfdeploy: change wrangler.toml:8 to: id = \"new\"\n"), std::string::npos);
}

TEST(StepReport, JsonHasNoFixesForASuccess) {
  StepResult result;
  result.verdict.ok = true;
  nlohmann::json report =
      step_report_json(result, {"wrangler", "deploy"}, {"https://github.com", "acme/notes", "42"});
  EXPECT_EQ(report["fixes"], nlohmann::json::array());
}

TEST(StepReport, StepLabelNamesTheProgramByItsFileName) {
  EXPECT_EQ(step_label({"/opt/node/bin/wrangler", "d1", "migrations", "apply", "DB"}),
            "wrangler d1 migrations apply DB");
  EXPECT_EQ(step_label({}), "");
}

TEST(StepReport, SummaryOfAFailureGivesClassFixAndAttempts) {
  std::string text = step_summary_text(failed_7403());
  EXPECT_NE(text.find("failed after 1 attempt (exit status 1): authorization, code 7403"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("migration: 0001_init.sql"), std::string::npos);
  EXPECT_NE(text.find("  1. "), std::string::npos);
  EXPECT_NE(text.find("not retried"), std::string::npos);
}

TEST(StepReport, SummaryOfASuccessNamesTheDeployment) {
  StepResult result;
  result.attempts.resize(2);
  result.deployment_url = "https://w.sub.workers.dev";
  result.verdict.migrations_applied = 3;
  std::string text = step_summary_text(result);
  EXPECT_NE(text.find("succeeded after 2 attempts"), std::string::npos) << text;
  EXPECT_NE(text.find("deployed to https://w.sub.workers.dev"), std::string::npos);
  EXPECT_NE(text.find("3 migration(s) applied"), std::string::npos);
  EXPECT_EQ(step_report_json(result, {})["outcome"], "success");
}

TEST(StepReport, ACancelledStepSaysSo) {
  StepResult result = failed_7403();
  result.cancelled_by = 15;
  result.exit_code = 143;
  EXPECT_NE(step_summary_text(result).find("cancelled by signal 15"), std::string::npos);
  EXPECT_EQ(step_report_json(result, {})["outcome"], "cancelled");
}

}  // namespace
}  // namespace cfdeploy
