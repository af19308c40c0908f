// A configuration text as a tree with line numbers: the line of every member and element in
// both formats, JSONC's comments and trailing commas, and file:line errors for broken,
// overflowing and too deeply nested texts, refused before any deep tree is built.
#include "config_document.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace cfdeploy {
namespace {

TEST(ConfigDocument, RecordsTheLineOfEveryMemberAndElementInBothFormats) {
  Result<ConfigDocument> json = parse_config_document(
      "{\n  // a comment\n  \"name\": \"w\",\n  \"list\": [\n    {\"a/b\": 1},\n    2,\n  ],\n}\n",
      ConfigFormat::json, "wrangler.jsonc");
  ASSERT_TRUE(json.ok()) << json.error().message();
  EXPECT_EQ(json.value().root["name"], "w");
  EXPECT_EQ(json.value().line_of("/name"), 3);
  EXPECT_EQ(json.value().line_of("/list"), 4);
  EXPECT_EQ(json.value().line_of("/list/0"), 5);
  EXPECT_EQ(json.value().line_of("/list/0/a~1b"), 5);
  EXPECT_EQ(json.value().line_of("/list/1"), 6);

  Result<ConfigDocument> toml = parse_config_document(
      "name = \"w\"\n\n[[list]]\nbinding = \"DB\"\n\n[env.staging]\nname = \"s\"\n",
      ConfigFormat::toml, "wrangler.toml");
  ASSERT_TRUE(toml.ok()) << toml.error().message();
  EXPECT_EQ(toml.value().root["env"]["staging"]["name"], "s");
  EXPECT_EQ(toml.value().line_of("/name"), 1);
  EXPECT_EQ(toml.value().line_of("/list/0/binding"), 4);
  EXPECT_EQ(toml.value().line_of("/env/staging/name"), 7);
  EXPECT_EQ(toml.value().line_of("/not/there"), 1);
}

TEST(ConfigDocument, SkipsAByteOrderMark) {
  Result<ConfigDocument> document =
      parse_config_document("\xEF\xBB\xBF{\"name\": \"w\"}", ConfigFormat::json, "wrangler.json");
  ASSERT_TRUE(document.ok()) << document.error().message();
  EXPECT_EQ(document.value().root["name"], "w");
}

// `depth` levels of objects: {"a": {"a": … {} … }}, one level a line.
std::string nested_json(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) {
    text += i + 1 < depth ? "{\"a\":\n" : "{}";
  }
  return text + std::string(static_cast<size_t>(depth - 1), '}');
}

TEST(ConfigDocument, ANumberTooLargeForADoubleNamesItsLine) {
  Result<ConfigDocument> config =
      parse_config_document("{\n  \"name\": \"w\",\n  \"limits\": {\"cpu_ms\": 1e400}\n}\n",
                            ConfigFormat::json, "wrangler.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message(),
            "wrangler.json:3: invalid JSON: number overflow parsing '1e400' (beyond what a double "
            "holds: write a smaller number or a string)");
}

TEST(ConfigDocument, StrippingJsoncKeepsStringsAndLineBreaks) {
  std::string text = "{\"a\": \"x // y /* z */\", // c\n \"b\": [1, 2,], /* d\n e */ }";
  Result<std::string> stripped = strip_jsonc(text, "t.jsonc");
  ASSERT_TRUE(stripped.ok());
  EXPECT_EQ(stripped.value().size(), text.size());
  EXPECT_NE(stripped.value().find("\"x // y /* z */\""), std::string::npos);
  EXPECT_EQ(std::count(stripped.value().begin(), stripped.value().end(), '\n'), 2);
  EXPECT_EQ(stripped.value().find("//", stripped.value().find("z */")), std::string::npos);
  EXPECT_EQ(stripped.value().find("2,"), std::string::npos) << stripped.value();
}

TEST(ConfigDocument, NestingPastTheCapIsAnErrorNamingFileAndLine) {
  // 100 000 levels once ran out of memory (std::bad_alloc) instead of answering.
  for (int depth : {65, 10000, 100000}) {
    Result<ConfigDocument> config =
        parse_config_document(nested_json(depth), ConfigFormat::json, "wrangler.json");
    ASSERT_FALSE(config.ok()) << depth;
    EXPECT_EQ(config.error().message(),
              "wrangler.json:65: nested more than 64 levels deep; a wrangler configuration needs "
              "far fewer");
  }
  std::string arrays = "{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  Result<ConfigDocument> config =
      parse_config_document(arrays, ConfigFormat::json, "wrangler.jsonc");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind("wrangler.jsonc:1: nested more than 64", 0), 0u);
}

TEST(ConfigDocument, NestingUpToTheCapIsRead) {
  Result<ConfigDocument> config =
      parse_config_document(nested_json(64), ConfigFormat::json, "wrangler.json");
  EXPECT_TRUE(config.ok()) << config.error().message();
  // Brackets inside strings are text, not nesting.
  std::string text = "{\"name\": \"" + std::string(1000, '{') + "\\\"[\"}";
  config = parse_config_document(text, ConfigFormat::json, "wrangler.json");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config.value().root["name"], std::string(1000, '{') + "\"[");
}

// toml++ recurses per dotted segment while it parses: these would crash it, so the text is
// refused before toml++ sees it.
TEST(ConfigDocument, TomlDottedSixtyThousandDeepIsRefusedBeforeParsing) {
  std::string key = "a";
  for (int i = 1; i < 60000; ++i) {
    key += ".a";
  }
  for (const std::string& text :
       {"name = \"w\"\n" + key + " = 1\n", "name = \"w\"\n[" + key + "]\nx = 1\n"}) {
    Result<ConfigDocument> config =
        parse_config_document(text, ConfigFormat::toml, "wrangler.toml");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().message(),
              "wrangler.toml:2: nested more than 64 levels deep; a wrangler configuration needs "
              "far fewer");
  }
}

TEST(ConfigDocument, DeepTomlIsAnErrorNamingFileAndLine) {
  std::string dotted = "name = \"w\"\n[a";
  for (int i = 0; i < 10000; ++i) {
    dotted += ".a";
  }
  dotted += "]\nx = 1\n";
  Result<ConfigDocument> config =
      parse_config_document(dotted, ConfigFormat::toml, "wrangler.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind("wrangler.toml:2: nested more than 64 levels deep", 0),
            0u)
      << config.error().message();
  std::string key = "name = \"w\"\nx";
  for (int i = 0; i < 1000; ++i) {
    key += ".a";
  }
  config = parse_config_document(key + " = 1\n", ConfigFormat::toml, "wrangler.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind("wrangler.toml:2: nested more than 64 levels deep", 0),
            0u)
      << config.error().message();
  std::string arrays = "name = \"w\"\nx = " + std::string(200, '[') + std::string(200, ']');
  config = parse_config_document(arrays, ConfigFormat::toml, "wrangler.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind("wrangler.toml:2: ", 0), 0u) << config.error().message();
}

}  // namespace
}  // namespace cfdeploy
