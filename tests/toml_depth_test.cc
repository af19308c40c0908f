#include "toml_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace cfdeploy {
namespace {

std::string dotted(int segments) {
  std::string key = "a";
  for (int i = 1; i < segments; ++i) {
    key += ".a";
  }
  return key;
}

TEST(TomlDepth, ADottedKeyNestsOneLevelPerSegment) {
  // The root is level 1, so a key of 63 segments puts its value at level 64.
  EXPECT_EQ(toml_nesting_past(dotted(63) + " = 1\n", 64), std::nullopt);
  EXPECT_EQ(toml_nesting_past("x = 1\n" + dotted(64) + " = 1\n", 64), 2);
  EXPECT_EQ(toml_nesting_past(dotted(60000) + " = 1\n", 64), 1);
}

TEST(TomlDepth, TableHeadersNestAndAddToTheirKeys) {
  EXPECT_EQ(toml_nesting_past("[" + dotted(60000) + "]\n", 64), 1);
  EXPECT_EQ(toml_nesting_past("[[" + dotted(63) + "]]\n", 64), 1);
  EXPECT_EQ(toml_nesting_past("[" + dotted(60) + "]\nx = 1\n" + dotted(4) + " = 2\n", 64), 3);
  // A later, shallower header starts again from the root.
  EXPECT_EQ(toml_nesting_past("[" + dotted(60) + "]\n[b]\n" + dotted(10) + " = 2\n", 64),
            std::nullopt);
}

TEST(TomlDepth, InlineArraysAndTablesNest) {
  EXPECT_EQ(toml_nesting_past("x = " + std::string(200, '[') + std::string(200, ']'), 64), 1);
  EXPECT_EQ(toml_nesting_past("x = [\n  {a.b = [1, {}]},\n  [],\n]\ny.z = {}\n", 64), std::nullopt);
  std::string tables = "x = ";
  for (int i = 0; i < 100; ++i) {
    tables += "{a = ";
  }
  EXPECT_EQ(toml_nesting_past(tables + "1" + std::string(100, '}'), 64), 1);
}

TEST(TomlDepth, DotsAndBracketsInStringsCommentsAndValuesAreText) {
  std::string text = "\"" + dotted(100) + "\" = '" + std::string(100, '[') + "'\n" + "'" +
                     dotted(100) + "'.b = \"\"\"\n" + std::string(100, '{') + "\n\"\"\"\n" + "# " +
                     dotted(100) + " = " + std::string(100, '[') + "\n" +
                     "v = 1.5\nd = 1979-05-27T07:32:00.999\n[\"" + dotted(100) + "\"]\n";
  EXPECT_EQ(toml_nesting_past(text, 64), std::nullopt);
}

}  // namespace
}  // namespace cfdeploy
