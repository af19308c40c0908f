#include "preflight_github.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

PreflightReport report_with_a_stale_database_id() {
  PreflightReport report;
  CheckResult token;
  token.id = "token-valid";
  token.title = "The API token is valid";
  token.status = CheckStatus::pass;
  token.detail = "Cloudflare says the token is active.";
  CheckResult database;
  database.id = "d1-database:lab-db";
  database.title = "D1 database 'lab-db' exists and matches the configuration";
  database.status = CheckStatus::fail;
  database.detail = "the configured id does not match <anything>";
  database.fix = {"Set database_id = \"2f0c\" at wrangler.toml:10"};
  database.where = SourceLocation{"wrangler.toml", 10};
  database.code = 7404;
  CheckResult write;
  write.id = "d1-write:lab-db";
  write.title = "The token can write to D1 database 'lab-db'";
  write.status = CheckStatus::could_not_check;
  write.detail = "No API request proves D1 Edit without writing.";
  report.checks = {token, database, write};
  return report;
}

TEST(PreflightGithub, AFailedCheckIsAnErrorAtTheConfigurationLine) {
  std::vector<Annotation> annotations = preflight_annotations(report_with_a_stale_database_id());
  ASSERT_EQ(annotations.size(), 2u);
  EXPECT_EQ(annotations[0].level, AnnotationLevel::error);
  EXPECT_EQ(annotations[0].file, "wrangler.toml");
  EXPECT_EQ(annotations[0].line, 10);
  EXPECT_NE(annotations[0].message.find("How to fix it:\n1. Set database_id"), std::string::npos);
  EXPECT_EQ(annotations[1].level, AnnotationLevel::warning);
  EXPECT_NE(annotations[1].title.find("write to D1"), std::string::npos);
}

TEST(PreflightGithub, APassingReportHasNoAnnotations) {
  PreflightReport report = report_with_a_stale_database_id();
  report.checks.erase(report.checks.begin() + 1, report.checks.end());
  EXPECT_TRUE(preflight_annotations(report).empty());
}

TEST(PreflightGithub, SummaryTablesEveryCheckAndListsTheFixes) {
  std::string markdown = preflight_summary_markdown(report_with_a_stale_database_id());
  EXPECT_EQ(markdown.rfind("## \xE2\x9D\x8C cfdeploy preflight failed", 0), 0u) << markdown;
  EXPECT_NE(markdown.find("| The API token is valid | \xE2\x9C\x85 pass |"), std::string::npos);
  EXPECT_NE(markdown.find("does not match \\<anything\\> |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("At `wrangler.toml:10`."), std::string::npos);
  EXPECT_NE(markdown.find("- [ ] Set database\\_id \\= \\\"2f0c\\\" at wrangler\\.toml\\:10\n"),
            std::string::npos)
      << markdown;
}

// The lines of `markdown` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& markdown, const std::string& prefix) {
  std::vector<std::string> found;
  for (size_t start = 0; start < markdown.size();) {
    size_t end = markdown.find('\n', start);
    std::string line = markdown.substr(start, end == std::string::npos ? end : end - start);
    if (line.rfind(prefix, 0) == 0) {
      found.push_back(line);
    }
    start = end == std::string::npos ? markdown.size() : end + 1;
  }
  return found;
}

TEST(PreflightGithub, AnApiMessageStaysInItsTableCell) {
  PreflightReport report = report_with_a_stale_database_id();
  report.checks[0].detail = "bad | injected cell\n## Injected\n[x](https://evil.example)";
  report.checks[1].title = "D1 database 'x\n# Injected' exists";
  report.checks[1].fix = {"Run `npx wrangler d1 create x`](https://evil.example)"};
  std::string markdown = preflight_summary_markdown(report);
  EXPECT_NE(markdown.find("| The API token is valid | \xE2\x9C\x85 pass | bad \\| injected cell "
                          "\\#\\# Injected \\[x\\]\\(https\\:\\/\\/evil\\.example\\) |\n"),
            std::string::npos)
      << markdown;
  EXPECT_EQ(lines_starting(markdown, "#").size(), 2u)
      << markdown;  // the headline, the failed check
  EXPECT_EQ(lines_starting(markdown, "| ").size(), 4u) << markdown;  // the header and three checks
  EXPECT_NE(markdown.find("- [ ] Run \\`npx wrangler d1 create x\\`\\]\\(https"), std::string::npos)
      << markdown;
}

TEST(PreflightGithub, SummaryHeadlineSaysWhetherTheTokenWasVerified) {
  PreflightReport report = report_with_a_stale_database_id();
  report.checks.erase(report.checks.begin() + 1);  // no failure left
  EXPECT_EQ(
      preflight_summary_markdown(report).rfind("## \xE2\x9C\x85 cfdeploy preflight passed", 0), 0u);
  report.checks[0].status = CheckStatus::could_not_check;
  std::string markdown = preflight_summary_markdown(report);
  EXPECT_EQ(markdown.rfind("## \xE2\x9A\xA0\xEF\xB8\x8F cfdeploy preflight inconclusive: the token "
                           "could not be verified",
                           0),
            0u)
      << markdown;
}

}  // namespace
}  // namespace cfdeploy
