// A diagnosis as the report, the end-of-step summary, the job summary and the annotation
// show it.
#include "diagnosis_report.h"

#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace cfdeploy {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Diagnosis stale_database_id() {
  Diagnosis diagnosis;
  diagnosis.kind = DiagnosisKind::not_found;
  diagnosis.conclusion = "Account a has no database x, but 'lab-db' there has id y.";
  CheckResult check;
  check.id = "d1-database:lab-db";
  check.title = "D1 database 'lab-db' exists and matches the configuration";
  check.status = CheckStatus::fail;
  check.detail = "Account a has no database x.";
  diagnosis.checks.push_back(check);
  diagnosis.config_fix = make_config_fix(
      {testing::source_path("tests/fixtures/project/wrangler.toml"), 8}, "database_id",
      "00000000-0000-4000-8000-000000000001", "22222222-3333-4444-5555-666666666666");
  diagnosis.config_fix->where.file = "wrangler.toml";
  return diagnosis;
}

TEST(DiagnosisReport, JsonHasTheKindTheConclusionAndTheChecks) {
  nlohmann::json json = diagnosis_to_json(stale_database_id());
  EXPECT_EQ(json["kind"], "not_found");
  EXPECT_EQ(json["could_not_check"], false);
  EXPECT_EQ(json["checks"][0]["status"], "fail");
  EXPECT_EQ(json["checks"][0]["id"], "d1-database:lab-db");
}

TEST(DiagnosisReport, ConfigFixJsonNamesTheFileLineAndReplacement) {
  nlohmann::json json = config_fix_json(*stale_database_id().config_fix);
  EXPECT_EQ(json["kind"], "config");
  EXPECT_EQ(json["file"], "wrangler.toml");
  EXPECT_EQ(json["line"], 8);
  EXPECT_EQ(json["replacement"], "database_id = \"22222222-3333-4444-5555-666666666666\"");
  EXPECT_EQ(json["title"],
            "Set database_id to 22222222-3333-4444-5555-666666666666 at wrangler.toml:8");
}

TEST(DiagnosisReport, TextSaysTheConclusionTheChecksAndTheLineToChange) {
  std::string text = diagnosis_text(stale_database_id());
  EXPECT_TRUE(contains(text, "cfdeploy: diagnosis: Account a has no database x"));
  EXPECT_TRUE(contains(text, "cfdeploy:   fail: D1 database 'lab-db'"));
  EXPECT_TRUE(contains(text,
                       "cfdeploy: change wrangler.toml:8 to: database_id = "
                       "\"22222222-3333-4444-5555-666666666666\"\n"));
}

TEST(DiagnosisReport, MarkdownShowsTheReplacementLineAndTheDiff) {
  std::string markdown = diagnosis_markdown(stale_database_id());
  EXPECT_TRUE(contains(markdown, "### Diagnosis\n"));
  EXPECT_TRUE(
      contains(markdown, "```\ndatabase_id = \"22222222-3333-4444-5555-666666666666\"\n```"))
      << markdown;
  EXPECT_TRUE(
      contains(markdown, "```diff\n--- a/wrangler.toml\n+++ b/wrangler.toml\n@@ -5,4 +5,4 @@\n"))
      << markdown;
  EXPECT_TRUE(contains(markdown, "+database_id = \"22222222-3333-4444-5555-666666666666\"\n```"));
}

TEST(DiagnosisReport, CouldNotCheckIsShownAsSuch) {
  Diagnosis diagnosis;
  diagnosis.could_not_check = true;
  diagnosis.conclusion = "Could not check the token (HTTP 503).";
  EXPECT_TRUE(
      contains(diagnosis_markdown(diagnosis), "_Could not check the token \\(HTTP 503\\)\\._"));
}

TEST(DiagnosisReport, TheAnnotationSitsAtTheLineWithTheReplacement) {
  Annotation annotation = config_fix_annotation(*stale_database_id().config_fix);
  EXPECT_EQ(annotation.file, "wrangler.toml");
  EXPECT_EQ(annotation.line, 8);
  EXPECT_TRUE(contains(annotation.message,
                       "Replace this line with:\ndatabase_id = "
                       "\"22222222-3333-4444-5555-666666666666\"\n"));
}

}  // namespace
}  // namespace cfdeploy
