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

TEST(LogText, ContainsLowerIgnoresCase) {
  EXPECT_TRUE(contains_lower("Authentication ERROR", "authentication error"));
  EXPECT_FALSE(contains_lower("Authorisation", "authentication"));
}

}  // namespace
}  // namespace cfdeploy
