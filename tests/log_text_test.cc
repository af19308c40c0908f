#include "log_text.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

std::string cleaned(std::string_view raw) {
  std::string out;
  clean_line(raw, out);
  return out;
}

TEST(LogText, StripsWranglerErrorHeaderColours) {
  std::string out;
  strip_ansi(
      "\x1b[31m\xE2\x9C\x98 \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mfetch "
      "failed\x1b[0m",
      out);
  EXPECT_EQ(out, "\xE2\x9C\x98 [ERROR] fetch failed");
}

TEST(LogText, StripsOscHyperlinks) {
  std::string out;
  strip_ansi("see \x1b]8;;https://example.test\x07link\x1b]8;;\x1b\\ here", out);
  EXPECT_EQ(out, "see link here");
}

TEST(LogText, LeavesPlainTextAlone) {
  std::string out;
  strip_ansi("0002_audit_7403.sql", out);
  EXPECT_EQ(out, "0002_audit_7403.sql");
}

TEST(LogText, TruncatedEscapeAtEndOfLineIsDropped) {
  std::string out;
  strip_ansi("text\x1b[31", out);
  EXPECT_EQ(out, "text");
}

TEST(LogText, DropsGithubTimestamp) {
  EXPECT_EQ(strip_timestamp("2026-11-27T10:15:02.1234567Z \xE2\x9C\x98 [ERROR] x"),
            "\xE2\x9C\x98 [ERROR] x");
  EXPECT_EQ(strip_timestamp("2026-11-27T10:15:02Z   indented note"), "  indented note");
}

TEST(LogText, KeepsLinesThatOnlyResembleTimestamps) {
  EXPECT_EQ(strip_timestamp("2026-11-27 10:15:02 something"), "2026-11-27 10:15:02 something");
  EXPECT_EQ(strip_timestamp("2026-11-27T10:15:02.12X rest"), "2026-11-27T10:15:02.12X rest");
}

TEST(LogText, CleanLineRemovesColoursTimestampAndCarriageReturn) {
  EXPECT_EQ(cleaned("2026-11-27T10:15:02.1234567Z \x1b[1m  note [code: 7403]\x1b[0m\r"),
            "  note [code: 7403]");
}

TEST(LogText, StripsDashboardClockPrefixesAndKeepsNoteIndentation) {
  EXPECT_EQ(cleaned("10:15:02.104 | \xE2\x9C\x98 [ERROR] x"), "\xE2\x9C\x98 [ERROR] x");
  EXPECT_EQ(cleaned("10:15:02.104 |   note [code: 7403]"), "  note [code: 7403]");
  EXPECT_EQ(cleaned("10:15:02.104\tFailed: build"), "Failed: build");
  EXPECT_EQ(cleaned("10:15:02 Executing deploy"), "Executing deploy");
}

TEST(LogText, StripsDateTimeZoneAndTagPrefix) {
  EXPECT_EQ(cleaned("2026-11-27 10:15:02.123456789 +0100 CET [deploy] X [ERROR] y"), "X [ERROR] y");
  EXPECT_EQ(cleaned("2026-11-27 10:15:02.1 +0000 [info] text"), "text");
  EXPECT_EQ(cleaned("2026-11-27 10:15:02 UTC text"), "text");
}

TEST(LogText, StripsMonorepoRunnerPrefixes) {
  EXPECT_EQ(cleaned("web:deploy: \xE2\x9C\x98 [ERROR] x"), "\xE2\x9C\x98 [ERROR] x");
  EXPECT_EQ(cleaned("@acme/api:deploy:prod: text"), "text");
  EXPECT_EQ(cleaned("apps/web deploy: text"), "text");
  EXPECT_EQ(cleaned("web:deploy    text"), "   text");
  EXPECT_EQ(cleaned("\xE2\x94\x82 text"), "text");
}

TEST(LogText, KeepsTableRowsSourceLocationsAndMessages) {
  std::string row = "\xE2\x94\x82 0001_init.sql \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82";
  EXPECT_EQ(cleaned(row), row);
  EXPECT_EQ(cleaned("src/index.ts:12:5: ERROR: Could not resolve"),
            "src/index.ts:12:5: ERROR: Could not resolve");
  EXPECT_EQ(cleaned("Error: fetch failed"), "Error: fetch failed");
  EXPECT_EQ(cleaned("TypeError: fetch failed"), "TypeError: fetch failed");
}

TEST(LogText, StripsDockerComposeServiceColumn) {
  EXPECT_EQ(cleaned("deploy-1  | \xE2\x9C\x98 [ERROR] x"), "\xE2\x9C\x98 [ERROR] x");
  EXPECT_EQ(cleaned("web_1    |   note"), "  note");
}

TEST(LogText, StripsQuotesRunnerCommandsAndStackedPrefixes) {
  EXPECT_EQ(cleaned("> A request failed"), "A request failed");
  EXPECT_EQ(cleaned("> > nested"), "nested");
  EXPECT_EQ(cleaned("##[error]Process completed with exit code 1."),
            "Process completed with exit code 1.");
  EXPECT_EQ(cleaned("2026-11-27T10:15:02.1234567Z ##[error]\xE2\x9C\x98 [ERROR] x"),
            "\xE2\x9C\x98 [ERROR] x");
  EXPECT_EQ(cleaned("2026-11-27T10:15:02.1234567Z web:deploy: 10:15:02.104 | > text"), "text");
  EXPECT_EQ(cleaned("    indented before a prefix"), "    indented before a prefix");
}

TEST(LogText, RemovesHtmlAroundACopiedLog) {
  EXPECT_EQ(cleaned("<tr><td>10:15:02.104</td><td>X [ERROR] a &quot;b&quot; &amp; c</td></tr>"),
            "X [ERROR] a \"b\" & c");
  EXPECT_EQ(cleaned("&gt; quoted"), "quoted");
  EXPECT_EQ(cleaned("a < b and c > d"), "a < b and c > d");
}

TEST(LogText, SkipTimePrefixDropsTheFirstWordWhenItStartsWithADigit) {
  EXPECT_EQ(skip_time_prefix("2026-11-27T10:15:02.1234567Z text"), "text");
  EXPECT_EQ(skip_time_prefix("10:15:02.104 | text"), "| text");
  EXPECT_EQ(skip_time_prefix("text 10:15"), "text 10:15");
}

TEST(LogText, ContainsLowerIgnoresCase) {
  EXPECT_TRUE(contains_lower("Authentication ERROR", "authentication error"));
  EXPECT_FALSE(contains_lower("Authorisation", "authentication"));
}

}  // namespace
}  // namespace cfdeploy
