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
  EXPECT_TRUE(report["version_id"].is_null());
  EXPECT_TRUE(report["pages"].is_null());
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

TEST(StepReport, APagesDeploymentGivesItsIdAliasAndEnvironment) {
  StepResult result;
  result.attempts.resize(1);
  result.deployment_url = "https://aaaa.site.pages.dev";
  result.pages = {"aaaa", "https://feature-x.site.pages.dev", "preview"};
  nlohmann::json report = step_report_json(result, {"wrangler", "pages", "deploy"});
  EXPECT_EQ(report["pages"]["deployment_id"], "aaaa");
  EXPECT_EQ(report["pages"]["alias_url"], "https://feature-x.site.pages.dev");
  EXPECT_EQ(report["pages"]["environment"], "preview");
  EXPECT_NE(step_summary_text(result).find(
                "deployed to https://aaaa.site.pages.dev (alias https://feature-x.site.pages.dev)"),
            std::string::npos)
      << step_summary_text(result);
}

TEST(StepReport, AProductionPagesDeploymentHasANullAlias) {
  StepResult result;
  result.pages = {"bbbb", "", "production"};
  nlohmann::json report = step_report_json(result, {});
  EXPECT_TRUE(report["pages"]["alias_url"].is_null());
  EXPECT_EQ(report["pages"]["environment"], "production");
}

TEST(StepReport, AnUploadedVersionGivesItsId) {
  StepResult result;
  result.version_id = "11111111-2222-4333-8444-555555555555";
  EXPECT_EQ(step_report_json(result, {})["version_id"], "11111111-2222-4333-8444-555555555555");
}

TEST(StepReport, ACancelledStepSaysSo) {
  StepResult result = failed_7403();
  result.cancelled_by = 15;
  result.exit_code = 143;
  EXPECT_NE(step_summary_text(result).find("cancelled by signal 15"), std::string::npos);
  EXPECT_EQ(step_report_json(result, {})["outcome"], "cancelled");
}

TEST(StepReport, ARemoteMigrationReportsItsBookmarkAndTheRestoreCommand) {
  StepResult result = failed_7403();
  result.verdict.applied_migrations = {"0000_first.sql"};
  result.time_travel = TimeTravelFacts{false, "lab-db", "b-1", "", "", "", ""};
  nlohmann::json report = step_report_json(result, {"wrangler"});
  EXPECT_EQ(report["restore_bookmark"], "b-1");
  EXPECT_TRUE(report["restore_bookmark_problem"].is_null());
  EXPECT_EQ(report["applied_migrations"], nlohmann::json{"0000_first.sql"});
  std::string text = step_summary_text(result);
  EXPECT_NE(text.find("cfdeploy: applied before the failure: 0000_first.sql\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("back as it was before this run: wrangler d1 time-travel restore lab-db "
                      "--bookmark=b-1 (or cfdeploy restore lab-db --bookmark b-1)"),
            std::string::npos)
      << text;
}

TEST(StepReport, TheRestoreCommandNamesTheEnvironmentTheMigrationRanIn) {
  StepResult result = failed_7403();
  result.time_travel = TimeTravelFacts{false, "lab-db", "b-1", "", "", "", "staging"};
  std::string text = step_summary_text(result);
  EXPECT_NE(text.find("wrangler d1 time-travel restore lab-db --bookmark=b-1 --env staging (or "
                      "cfdeploy restore lab-db --bookmark b-1 --env staging)"),
            std::string::npos)
      << text;
}

TEST(StepReport, ARestoreReportsTheNewAndPreviousBookmark) {
  StepResult result;
  result.time_travel = TimeTravelFacts{true, "lab-db", "", "", "b-2", "b-1", ""};
  nlohmann::json report = step_report_json(result, {"wrangler"});
  EXPECT_EQ(report["restored_to_bookmark"], "b-2");
  EXPECT_EQ(report["previous_bookmark"], "b-1");
  EXPECT_FALSE(report.contains("restore_bookmark"));
  EXPECT_NE(step_summary_text(result).find(
                "to undo the restore: wrangler d1 time-travel restore lab-db --bookmark=b-1"),
            std::string::npos);
}

TEST(StepReport, APlanThatChangedIsReportedPlainly) {
  StepResult result;
  result.plan = MigrationPlanFacts{{"0001_a.sql"}, true, std::vector<std::string>{}};
  nlohmann::json report = step_report_json(result, {"wrangler"});
  EXPECT_EQ(report["pending_migrations"], nlohmann::json{"0001_a.sql"});
  EXPECT_EQ(report["pending_at_apply"], nlohmann::json::array());
  EXPECT_EQ(report["plan_changed"], true);
  std::string text = step_summary_text(result);
  EXPECT_EQ(text.rfind("cfdeploy: plan: 1 pending: 0001_a.sql\n", 0), 0u) << text;
  EXPECT_NE(text.find("changed between the plan and the apply"), std::string::npos);
}
}  // namespace
}  // namespace cfdeploy
