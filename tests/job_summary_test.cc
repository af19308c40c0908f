#include "job_summary.h"

#include <gtest/gtest.h>

#include "support/findings.h"

namespace cfdeploy {
namespace {

using testing::failed_with;

SummaryInput input_for(const Verdict& verdict) {
  SummaryInput input;
  input.step = "wrangler d1 migrations apply lab-db --remote";
  input.verdict = &verdict;
  input.attempts = 1;
  input.duration = std::chrono::milliseconds(1234);
  input.exit_code = 1;
  input.wrangler_version = "4.86.0";
  return input;
}

TEST(JobSummary, A7403HasTheHeadlineFactsChecklistAndPermissions) {
  Verdict verdict = failed_with(7403, "/accounts/a/d1/database/b/query",
                                "The given account is not valid or is not authorized [code: 7403]");
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_EQ(markdown.rfind("## \xE2\x9D\x8C cfdeploy: `wrangler d1 migrations apply lab-db "
                           "--remote` failed",
                           0),
            0u)
      << markdown;
  EXPECT_NE(markdown.find("| authorization | 7403 | 1 | 1.2 s | 1 |"), std::string::npos);
  EXPECT_NE(markdown.find("- [ ] Give the token Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"),
            std::string::npos);
  EXPECT_NE(markdown.find("| **Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit** |"), std::string::npos);
  EXPECT_NE(markdown.find("| Account \xE2\x80\xBA Workers Scripts \xE2\x80\xBA Edit |"),
            std::string::npos);
  EXPECT_NE(markdown.find("<details><summary>Error lines (1)</summary>"), std::string::npos);
  EXPECT_NE(markdown.find("wrangler 4.86.0"), std::string::npos);
}

TEST(JobSummary, A10000SaysHowToReplaceTheToken) {
  Verdict verdict = failed_with(10000, "/accounts/a/workers/scripts/w", "Authentication error");
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_NE(markdown.find("Update the CLOUDFLARE_API_TOKEN secret"), std::string::npos);
  EXPECT_NE(markdown.find("### Token permissions"), std::string::npos);
}

TEST(JobSummary, SuccessHasAGreenHeadlineAndNoFix) {
  Verdict verdict;
  verdict.migrations_applied = 2;
  SummaryInput input = input_for(verdict);
  input.exit_code = 0;
  std::string markdown = job_summary_markdown(input);
  EXPECT_EQ(markdown.rfind("## \xE2\x9C\x85 ", 0), 0u);
  EXPECT_NE(markdown.find("2 migration(s) applied."), std::string::npos);
  EXPECT_EQ(markdown.find("How to fix it"), std::string::npos);
}

TEST(JobSummary, LogTextIsHtmlEscaped) {
  Verdict verdict = failed_with(std::nullopt, "", "<script>alert(1)</script> | x & \"y\"");
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_EQ(markdown.find("<script>"), std::string::npos);
  EXPECT_NE(markdown.find("&lt;script&gt;alert(1)&lt;/script&gt; &#124; x &amp; &quot;y&quot;"),
            std::string::npos);
}

TEST(JobSummary, StaysUnderTheRunnersLimit) {
  Verdict verdict = failed_with(7403, "/d1/", std::string(200000, '<'));
  for (int i = 0; i < 49; ++i) {
    verdict.others.push_back(*verdict.primary);
  }
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_LT(markdown.size(), 1024u * 1024u);
}

}  // namespace
}  // namespace cfdeploy
