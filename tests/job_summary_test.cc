#include "job_summary.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

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
  EXPECT_NE(markdown.find("wrangler 4\\.86\\.0"), std::string::npos);
}

TEST(JobSummary, A10000SaysHowToReplaceTheToken) {
  Verdict verdict = failed_with(10000, "/accounts/a/workers/scripts/w", "Authentication error");
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_NE(markdown.find("Update the CLOUDFLARE_API_TOKEN secret"), std::string::npos);
  EXPECT_NE(markdown.find("### Token permissions"), std::string::npos);
}

TEST(JobSummary, ACredentialFailureLinksToANewTokenTheSecretAndARerun) {
  Verdict verdict = failed_with(7403, "/accounts/a/d1/database/b/query",
                                "The given account is not valid or is not authorized [code: 7403]");
  SummaryInput input = input_for(verdict);
  input.github_run = {"https://github.com", "acme/notes", "987"};
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("- [Create a token with these permissions](https://dash.cloudflare.com/"
                          "profile/api-tokens?permissionGroupKeys=%5B%7B%22key%22%3A%22d1%22%2C"
                          "%22type%22%3A%22edit%22%7D%5D&accountId=*&zoneId=all"
                          "&name=cfdeploy%20acme%2Fnotes)"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- [Replace the CLOUDFLARE\\_API\\_TOKEN secret](https://github.com/"
                          "acme/notes/settings/secrets/actions)"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- [Re\\-run the failed jobs](https://github.com/acme/notes/actions/runs/"
                          "987), or `gh run rerun 987 --failed`"),
            std::string::npos)
      << markdown;
}

TEST(JobSummary, ADeployTokenLinkAsksForWorkersScriptsEdit) {
  Verdict verdict = failed_with(10000, "/accounts/a/workers/scripts/w", "Authentication error");
  SummaryInput input = input_for(verdict);
  input.step = "wrangler deploy";
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("%7B%22key%22%3A%22workers_scripts%22%2C%22type%22%3A%22edit%22%7D"),
            std::string::npos)
      << markdown;
  EXPECT_EQ(markdown.find("%22d1%22"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("name=cfdeploy)"), markdown.find("name=cfdeploy")) << markdown;
  // Outside a runner there is no secrets page or run to link.
  EXPECT_EQ(markdown.find("settings/secrets"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("gh run rerun"), std::string::npos) << markdown;
}

TEST(JobSummary, AStepThatIsNotWranglerKeepsEveryCandidatePermissionInTheTokenLink) {
  // "npm run deploy" may run any wrangler command: its words name no permission.
  Verdict verdict = failed_with(10000, "/accounts/a/workers/scripts/w", "Authentication error");
  SummaryInput input = input_for(verdict);
  input.step = "npm run deploy";
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("%22workers_scripts%22"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("%22d1%22"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("%22page%22"), std::string::npos) << markdown;
  // Nor does an option's value that happens to be a command's name.
  input.step = "npx wrangler deploy --name d1";
  markdown = job_summary_markdown(input);
  EXPECT_EQ(markdown.find("%22d1%22"), std::string::npos) << markdown;
}

TEST(JobSummary, AFailureATokenCannotFixHasNoTokenLinks) {
  Verdict verdict = failed_with(7500, "/accounts/a/d1/database/b/query", "some SQL problem");
  SummaryInput input = input_for(verdict);
  input.github_run = {"https://github.com", "acme/notes", "987"};
  std::string markdown = job_summary_markdown(input);
  ASSERT_NE(markdown.find("How to fix it"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("api-tokens?"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("gh run rerun"), std::string::npos) << markdown;
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

// The summary's lines that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& markdown, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) {
      found.push_back(line);
    }
  }
  return found;
}

const std::string k_hostile = "`x`\n## Injected\r[click](https://evil.example) www.evil.example<b>";

TEST(JobSummary, ArgvInTheHeadlineStaysInsideItsCodeSpan) {
  Verdict verdict = failed_with(7403, "/d1/", "e");
  SummaryInput input = input_for(verdict);
  input.step = "wrangler d1 migrations apply " + k_hostile + " --env " + k_hostile;
  std::string markdown = job_summary_markdown(input);
  std::vector<std::string> headings = lines_starting(markdown, "#");
  ASSERT_FALSE(headings.empty());
  EXPECT_EQ(headings[0],
            "## \xE2\x9D\x8C cfdeploy: ``wrangler d1 migrations apply `x` ## Injected "
            "[click](https://evil.example) www.evil.example<b> --env `x` ## Injected "
            "[click](https://evil.example) www.evil.example<b>`` failed");
  EXPECT_EQ(headings.size(), 3u) << markdown;  // the headline, how to fix it, token permissions
}

TEST(JobSummary, TheWranglerVersionIsPlainText) {
  Verdict verdict;
  SummaryInput input = input_for(verdict);
  input.wrangler_version = "4.86.0\n# Injected [x](https://evil.example) www.evil.example";
  std::string markdown = job_summary_markdown(input);
  EXPECT_TRUE(lines_starting(markdown, "# ").empty()) << markdown;
  EXPECT_NE(
      markdown.find("wrangler 4\\.86\\.0 \\# Injected \\[x\\]\\(https\\:\\/\\/evil\\.example\\) "
                    "www\\.evil\\.example\n"),
      std::string::npos)
      << markdown;
}

TEST(JobSummary, OnlyAnHttpDeploymentUrlBecomesALink) {
  Verdict verdict;
  SummaryInput input = input_for(verdict);
  std::vector<std::pair<std::string, std::string>> cases = {
      {"https://lab-worker.example.workers.dev/", "<https://lab-worker.example.workers.dev/>"},
      {"http://127.0.0.1:8787", "<http://127.0.0.1:8787>"},
      {"javascript:alert(1)", "`javascript:alert(1)`"},
      {"https://x.dev/a b](https://evil.example)", "`https://x.dev/a b](https://evil.example)`"},
      {"https://x.dev\n# h", "`https://x.dev # h`"},
      {"https://x.dev/<img>", "`https://x.dev/<img>`"},
      {"https:///path", "`https:///path`"},
  };
  for (const auto& [url, shown] : cases) {
    input.deployment_url = url;
    std::string markdown = job_summary_markdown(input);
    EXPECT_NE(markdown.find("\nDeployed to " + shown + "\n"), std::string::npos) << markdown;
  }
}

TEST(JobSummary, ASuccessfulDeployListsWhatItMade) {
  Verdict verdict;
  SummaryInput input = input_for(verdict);
  input.step = "wrangler deploy";
  input.exit_code = 0;
  input.attempts = 2;
  input.deployed = {{"https://site.octo.workers.dev", "https://example.test/app"},
                    "https://pr-3-site.octo.workers.dev",
                    "5b1c-v1",
                    "site",
                    "abc1234"};
  std::string markdown = job_summary_markdown(input);
  EXPECT_EQ(markdown.rfind("## \xE2\x9C\x85 cfdeploy: `wrangler deploy` succeeded\n\n", 0), 0u)
      << markdown;
  EXPECT_NE(markdown.find("| - | - | 2 | 1.2 s | 0 |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("\nDeployed to <https://site.octo.workers.dev>, "
                          "<https://example.test/app>\n"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- Worker: `site`\n- Alias: <https://pr-3-site.octo.workers.dev>\n"
                          "- Version: `5b1c-v1`\n- Commit: `abc1234`\n"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("wrangler 4\\.86\\.0\n"), std::string::npos) << markdown;
}

TEST(JobSummary, AFailedStepListsNoDeployment) {
  Verdict verdict = failed_with(7403, "/accounts/a/workers/scripts/site", "not authorized");
  SummaryInput input = input_for(verdict);
  input.deployed.worker_name = "site";
  input.deployed.commit = "abc1234";
  std::string markdown = job_summary_markdown(input);
  EXPECT_EQ(markdown.find("- Worker:"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("- Commit:"), std::string::npos) << markdown;
}

TEST(JobSummary, DeployedValuesCannotStartMarkdownOfTheirOwn) {
  Verdict verdict;
  SummaryInput input = input_for(verdict);
  input.deployed.worker_name = "w`\n# Injected [x](https://evil.example)";
  input.deployed.version_id = "v|1\n- [ ] injected";
  input.deployed.alias_url = "javascript:alert(1)";
  std::string markdown = job_summary_markdown(input);
  EXPECT_TRUE(lines_starting(markdown, "# ").empty()) << markdown;
  EXPECT_TRUE(lines_starting(markdown, "- [ ] ").empty()) << markdown;
  EXPECT_NE(markdown.find("- Alias: `javascript:alert(1)`\n"), std::string::npos) << markdown;
}

TEST(JobSummary, AMigrationNameWithBackticksStaysInItsCodeSpan) {
  Verdict verdict = failed_with(std::nullopt, "", "near \"CREAT\": syntax error");
  verdict.primary->migration = "0002_`x`](https://evil.example)\n# h.sql";
  std::string markdown = job_summary_markdown(input_for(verdict));
  EXPECT_NE(markdown.find(" in ``0002_`x`](https://evil.example) # h.sql``\n"), std::string::npos)
      << markdown;
  EXPECT_TRUE(lines_starting(markdown, "# ").empty()) << markdown;
}

TEST(JobSummary, TheRetryNoteIsPlainText) {
  Verdict verdict = failed_with(7403, "/d1/", "e");
  SummaryInput input = input_for(verdict);
  input.retry_note = "not retried: [x](https://evil.example)";
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("_not retried\\: \\[x\\]\\(https\\:\\/\\/evil\\.example\\)_"),
            std::string::npos)
      << markdown;
}

TEST(JobSummary, TheTokenIsRedactedBeforeHtmlEscaping) {
  setenv("CLOUDFLARE_API_TOKEN", "tok<en>&\"|secret-42", 1);
  Verdict verdict = failed_with(10000, "/accounts/a", "Bearer tok<en>&\"|secret-42 refused");
  verdict.primary->migration = "tok<en>&\"|secret-42.sql";
  SummaryInput input = input_for(verdict);
  input.step = "run tok<en>&\"|secret-42";
  input.deployment_url = "https://tok<en>&\"|secret-42";
  input.wrangler_version = "tok<en>&\"|secret-42";
  std::string markdown = job_summary_markdown(input);
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(markdown.find("secret-42"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("Bearer *** refused"), std::string::npos) << markdown;
}

TEST(JobSummary, ASucceededRemoteMigrationKeepsTheBookmarkUnderUndoThisRun) {
  Verdict verdict;
  verdict.migrations_applied = 1;
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark = "b-1";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("### Undo this run"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("- `wrangler d1 time-travel restore lab-db --bookmark=b-1`\n"
                          "- `cfdeploy restore lab-db --bookmark b-1`"),
            std::string::npos)
      << markdown;
}

TEST(JobSummary, TheRestoreCommandsKeepTheMigrationsEnvironment) {
  Verdict verdict;
  verdict.migrations_applied = 1;
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark = "b-1";
  facts.environment = "staging";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(
      markdown.find("- `wrangler d1 time-travel restore lab-db --bookmark=b-1 --env staging`\n"
                    "- `cfdeploy restore lab-db --bookmark b-1 --env staging`"),
      std::string::npos)
      << markdown;
}

TEST(JobSummary, AFailedMigrationNamesWhatAppliedAndHowToRestore) {
  Verdict verdict =
      failed_with(7500, "/accounts/a/d1/database/b/query", "syntax error [code: 7500]");
  verdict.primary->migration = "0003_broken.sql";
  verdict.applied_migrations = {"0001_a.sql", "0002_b.sql"};
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark = "b-1";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("Applied in this run: `0001_a.sql`, `0002_b.sql`. Failed: "
                          "`0003_broken.sql`"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("### Restore the database"), std::string::npos);
  EXPECT_EQ(markdown.find("### Undo this run"), std::string::npos);
  EXPECT_NE(markdown.find("`wrangler d1 time-travel restore lab-db --bookmark=b-1`"),
            std::string::npos);
}

TEST(JobSummary, NoBookmarkIsAWarningWithTheReason) {
  Verdict verdict;
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark_problem = "the API answered HTTP 403 [code: 7403]";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("> [!WARNING]\n> No restore point was recorded: the API answered"),
            std::string::npos)
      << markdown;
  EXPECT_EQ(markdown.find("time-travel restore"), std::string::npos);
}

TEST(JobSummary, ARestoreGivesTheBookmarkThatUndoesIt) {
  Verdict verdict;
  TimeTravelFacts facts;
  facts.restore = true;
  facts.database = "lab-db";
  facts.restored_to = "b-2";
  facts.previous_bookmark = "b-1";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("Restored `lab-db` to bookmark `b-2`."), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("### Undo this restore"), std::string::npos);
  EXPECT_NE(markdown.find("`wrangler d1 time-travel restore lab-db --bookmark=b-1`"),
            std::string::npos);
}

TEST(JobSummary, ThePlanIsTheFirstSectionAndAChangeIsAWarning) {
  Verdict verdict;
  MigrationPlanFacts plan{
      {"0001_a.sql", "0002_b.sql"}, true, std::vector<std::string>{"0002_b.sql"}};
  SummaryInput input = input_for(verdict);
  input.plan = &plan;
  std::string markdown = job_summary_markdown(input);
  EXPECT_LT(markdown.find("### Plan\n\n1. `0001_a.sql`\n2. `0002_b.sql`\n"),
            markdown.find("| Class"))
      << markdown;
  EXPECT_NE(markdown.find("The pending migrations changed between the plan and the apply"),
            std::string::npos);
  EXPECT_NE(markdown.find("The apply found `0002_b.sql`."), std::string::npos);
}

TEST(JobSummary, TheUndoSectionLinksToTheWorkflowToRunTheRestore) {
  Verdict verdict;
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark = "b-1";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  input.github_run = {"https://github.com", "acme/notes", "7",
                      "acme/notes/.github/workflows/db-migrate.yml@refs/heads/main"};
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("(https://github.com/acme/notes/actions/workflows/db-migrate.yml)"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("`gh workflow run db-migrate.yml -f database=lab-db -f "
                          "restore-bookmark=b-1`"),
            std::string::npos)
      << markdown;
}

TEST(JobSummary, TheWorkflowRestoreCommandCarriesTheWranglerEnvironment) {
  Verdict verdict;
  TimeTravelFacts facts;
  facts.database = "lab-db";
  facts.bookmark = "b-1";
  facts.environment = "staging";
  SummaryInput input = input_for(verdict);
  input.time_travel = &facts;
  input.github_run = {"https://github.com", "acme/notes", "7",
                      "acme/notes/.github/workflows/db-migrate.yml@refs/heads/main"};
  std::string markdown = job_summary_markdown(input);
  EXPECT_NE(markdown.find("`gh workflow run db-migrate.yml -f database=lab-db -f "
                          "environment=staging -f restore-bookmark=b-1`"),
            std::string::npos)
      << markdown;
}

TEST(JobSummary, TheDiagnosisComesBeforeTheCataloguesFix) {
  Verdict verdict = failed_with(7403, "/accounts/a/d1/database/b/query",
                                "The given account is not valid or is not authorized [code: 7403]");
  Diagnosis diagnosis;
  diagnosis.conclusion = "The token is valid";
  SummaryInput input = input_for(verdict);
  input.diagnosis = &diagnosis;
  std::string markdown = job_summary_markdown(input);
  size_t at = markdown.find("### Diagnosis\n\n**The token is valid**\n");
  ASSERT_NE(at, std::string::npos) << markdown;
  EXPECT_LT(at, markdown.find("### How to fix it"));
}

}  // namespace
}  // namespace cfdeploy
