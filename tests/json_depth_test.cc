#include "json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace cfdeploy {
namespace {

TEST(JsonDepth, FindsTheBracketThatOpensOneLevelTooMany) {
  std::string text = R"({"a":[{"b":[]}]})";
  EXPECT_EQ(json_nesting_past(text, 4), std::nullopt);
  EXPECT_EQ(json_nesting_past(text, 3), text.find("[]"));
}

TEST(JsonDepth, ClosedLevelsDoNotAddUp) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "[[]],";
  }
  EXPECT_EQ(json_nesting_past("[" + text + "[]]", 3), std::nullopt);
}

TEST(JsonDepth, BracketsInsideStringsAreText) {
  std::string text = "[\"" + std::string(1000, '[') + "\\\"{\"]";
  EXPECT_EQ(json_nesting_past(text, 1), std::nullopt);
}

TEST(JsonDepth, AHundredThousandLevelsAreFoundWithoutRecursion) {
  std::string text = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(json_nesting_past(text, 256), 256u);
}

}  // namespace
}  // namespace cfdeploy
