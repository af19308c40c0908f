#include "line_kinds.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(LineKinds, ABoxHeaderIsFoundAfterAnyIconOrPrefix) {
  for (const char* line : {"\xE2\x9C\x98 [ERROR] A request failed.", "X [ERROR] A request failed.",
                           "Error: \xE2\x9C\x98 [ERROR] A request failed.",
                           "10:15:03.859 | [ERROR] A request failed."}) {
    std::optional<BoxHeader> header = box_header(line);
    ASSERT_TRUE(header) << line;
    EXPECT_EQ(header->headline, "A request failed.") << line;
    EXPECT_FALSE(header->warning) << line;
  }
  std::optional<BoxHeader> warning = box_header("\xE2\x96\xB2 [WARNING] Out of date");
  ASSERT_TRUE(warning);
  EXPECT_TRUE(warning->warning);
  EXPECT_FALSE(box_header("Uploaded lab-worker (0.19 sec)"));
}

TEST(LineKinds, OnlyABracketOrATableBarMayStartSomething) {
  EXPECT_TRUE(may_start_something("X [ERROR] x"));
  EXPECT_TRUE(may_start_something("\xE2\x94\x82 0001_init.sql \xE2\x94\x82"));
  EXPECT_FALSE(may_start_something("\x1b[2mdim text\x1b[0m"));
  EXPECT_FALSE(may_start_something("##[group]Run wrangler deploy"));
  EXPECT_FALSE(may_start_something("Uploaded lab-worker (0.19 sec)"));
  EXPECT_FALSE(may_start_something(""));
}

TEST(LineKinds, TheMigrationWrapperNamesItsFile) {
  EXPECT_EQ(wrapped_migration("Migration 0002_broken.sql failed with the following errors:"),
            "0002_broken.sql");
  EXPECT_EQ(wrapped_migration("Migration \"0003 quoted.sql\" failed with the following errors:"),
            "0003 quoted.sql");
  EXPECT_FALSE(wrapped_migration("A request to the Cloudflare API failed."));
}

TEST(LineKinds, FailureSignalsNeedANonZeroStatus) {
  EXPECT_TRUE(is_failure_signal("npm ERR! code ELIFECYCLE"));
  EXPECT_TRUE(is_failure_signal("##[error]Process completed with exit code 1."));
  EXPECT_TRUE(is_failure_signal("Failed: error occurred while running deploy command"));
  EXPECT_TRUE(is_failure_signal("deploy-1 exited with code 2"));
  EXPECT_FALSE(is_failure_signal("Process completed with exit code 0."));
  EXPECT_FALSE(is_failure_signal("deploy-1 exited with code 0"));
}

TEST(LineKinds, RetriesAndSuccessLines) {
  EXPECT_TRUE(announces_retry("==> deploy attempt 2/3"));
  EXPECT_TRUE(announces_retry("Retrying in 10 seconds..."));
  EXPECT_FALSE(announces_retry("Uploaded lab-worker (0.19 sec)"));
  EXPECT_TRUE(announces_retry("Deploy attempt 2 of 3"));
  EXPECT_TRUE(
      announces_retry("\xF0\x9F\x94\x84 Attempting to apply migrations (attempt 12/20)..."));
  EXPECT_TRUE(announces_retry("Attempt #2"));
  EXPECT_TRUE(
      announces_retry("Warning: Attempt 1 failed. Reason: Child_process exited with code 1"));
  // Neither a first attempt nor "attempting" is another attempt.
  EXPECT_FALSE(announces_retry("Attempting the staging database"));
  EXPECT_FALSE(announces_retry("deploy attempt 1/3"));
  EXPECT_FALSE(announces_retry("You attempted to modify a secret"));
  EXPECT_FALSE(announces_retry("Not retrying: a permission error cannot be fixed by a retry"));
  EXPECT_FALSE(announces_retry("cfdeploy: not retried; no longer retrying after 3 attempts"));
  EXPECT_FALSE(announces_retry("reattempt 2"));
  EXPECT_FALSE(announces_retry("deploy failed on attempt 1"));
  EXPECT_TRUE(is_success_line("\xE2\x9C\xA8 Deployment complete! Take a peek over at https://x"));
  EXPECT_TRUE(is_success_line("2026-11-27T10:15:04Z Current Version ID: 1234"));
  EXPECT_TRUE(is_success_line("\xE2\x9C\x85 No migrations to apply!"));
  EXPECT_FALSE(is_success_line("Uploaded lab-worker (0.19 sec)"));
}

TEST(LineKinds, WarningsAndErrorLookingLines) {
  EXPECT_TRUE(is_warning_line("\xE2\x96\xB2 [WARNING] x"));
  EXPECT_TRUE(is_warning_line("npm warn deprecated x"));
  EXPECT_TRUE(is_warning_line("Upload failed, will retry"));
  EXPECT_TRUE(looks_like_error("Error: something odd happened"));
  EXPECT_TRUE(looks_like_error("\xE2\x9C\x98 something"));
  EXPECT_FALSE(looks_like_error("Uploaded lab-worker (0.19 sec)"));
}

TEST(LineKinds, ATableRowHasTwoBars) {
  EXPECT_TRUE(is_table_row("\xE2\x94\x82 0001_init.sql \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82"));
  EXPECT_FALSE(is_table_row("\xE2\x94\x82 only one bar"));
  EXPECT_EQ(find_bar("ab\xE2\x94\x82 cd \xE2\x94\x82", 3), 9u);
  EXPECT_EQ(find_bar("no bar"), std::string_view::npos);
}

TEST(LineKinds, CodesInDataAreNotErrors) {
  EXPECT_TRUE(mentions_code_as_data("INSERT INTO notes VALUES ('[code: 7403]');"));
  EXPECT_TRUE(mentions_code_as_data(R"({"success":true,"messages":[{"code":10000}]})"));
  EXPECT_TRUE(mentions_code_as_data("\xE2\x94\x82 7403 \xE2\x94\x82"));
  EXPECT_FALSE(mentions_code_as_data("Authentication error [code: 10000]"));
}

TEST(LineKinds, TheStatusOfADebugResponseBlock) {
  EXPECT_EQ(debug_response_status("-- START CF API RESPONSE: Bad Gateway 502"), 502);
  EXPECT_EQ(debug_response_status("-- START CF API RESPONSE: OK 200  "), 200);
  EXPECT_FALSE(debug_response_status("-- START CF API RESPONSE: weird"));
  EXPECT_FALSE(debug_response_status("Bad Gateway 502"));
}

TEST(LineKinds, ABuildErrorsSourceLocation) {
  EXPECT_EQ(source_location("    src/index.ts:1:19:"), "src/index.ts:1:19");
  EXPECT_EQ(source_location("src/index.ts:12:5: ERROR: Could not resolve"), "src/index.ts:12:5");
  EXPECT_EQ(source_location("Error: Could not resolve"), "");
  EXPECT_EQ(source_location("https://example.com:443/x"), "");
}

}  // namespace
}  // namespace cfdeploy
