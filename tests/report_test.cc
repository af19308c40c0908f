#include "report.h"

#include <gtest/gtest.h>

#include "support/findings.h"

namespace cfdeploy {
namespace {

using testing::failed_with;

Verdict d1_7403() {
  Verdict verdict = failed_with(7403, "/accounts/***/d1/database/***/query",
                                "The given account is not valid or is not authorized to access "
                                "this service [code: 7403]",
                                12);
  verdict.lines = 40;
  return verdict;
}

TEST(Report, JsonForAFailureHasTheContractFields) {
  Verdict verdict = d1_7403();
  Finding other = *verdict.primary;
  other.line = 20;
  verdict.others.push_back(other);
  nlohmann::json json = verdict_to_json(verdict);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["class"], "authorization");
  EXPECT_EQ(json["code"], 7403);
  EXPECT_EQ(json["retryable"], false);
  EXPECT_TRUE(json["title"].is_string());
  EXPECT_TRUE(json["guidance"].is_array());
  EXPECT_FALSE(json["guidance"].empty());
  EXPECT_EQ(json["evidence"]["line"], 12);
  EXPECT_EQ(json["evidence"]["text"], verdict.primary->evidence);
  EXPECT_EQ(json["endpoint"], "/accounts/***/d1/database/***/query");
  ASSERT_EQ(json["other_errors"].size(), 1u);
  EXPECT_EQ(json["other_errors"][0]["evidence"]["line"], 20);
}

TEST(Report, JsonForSuccessHasNullClassAndCode) {
  Verdict verdict;
  verdict.lines = 7;
  nlohmann::json json = verdict_to_json(verdict);
  EXPECT_EQ(json["ok"], true);
  EXPECT_TRUE(json["class"].is_null());
  EXPECT_TRUE(json["code"].is_null());
  EXPECT_TRUE(json["evidence"].is_null());
  EXPECT_EQ(json["retryable"], false);
  EXPECT_TRUE(json["other_errors"].empty());
  EXPECT_EQ(json["lines"], 7);
}

TEST(Report, TextNamesTheCauseAndNumbersTheFixSteps) {
  std::string text = verdict_to_text(d1_7403(), TextStyle{false});
  EXPECT_NE(text.find("authorization error, Cloudflare code 7403"), std::string::npos) << text;
  EXPECT_NE(text.find("Evidence (line 12)"), std::string::npos);
  EXPECT_NE(text.find("  1. "), std::string::npos);
  EXPECT_NE(text.find("  2. "), std::string::npos);
  EXPECT_NE(text.find("Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"), std::string::npos);
  EXPECT_NE(text.find("Retrying will not help"), std::string::npos);
}

TEST(Report, TextIsPlainWithoutColourAndColouredWithIt) {
  EXPECT_EQ(verdict_to_text(d1_7403(), TextStyle{false}).find('\x1b'), std::string::npos);
  EXPECT_NE(verdict_to_text(d1_7403(), TextStyle{true}).find("\x1b[1;31m"), std::string::npos);
}

TEST(Report, TextForSuccessSaysSo) {
  Verdict verdict;
  verdict.lines = 3;
  EXPECT_EQ(verdict_to_text(verdict, TextStyle{false}), "No failure found in 3 lines of output.\n");
}

TEST(Report, TextForSuccessNamesTheFirstWarningAndItsLine) {
  Verdict verdict;
  verdict.lines = 9;
  verdict.warnings.push_back(Warning{2, "An earlier attempt failed (a later one succeeded): x"});
  EXPECT_EQ(verdict_to_text(verdict, TextStyle{false}),
            "No failure found in 9 lines of output.\n"
            "The log shows 1 warning(s); the first, on line 2: An earlier attempt failed (a later "
            "one succeeded): x\n");
}

TEST(Report, TextMentionsCutLines) {
  Verdict verdict;
  verdict.truncated_lines = 2;
  EXPECT_NE(verdict_to_text(verdict, TextStyle{false}).find("2 line(s) were longer than 64 KiB"),
            std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
