#include "line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cfdeploy {
namespace {

struct Collected {
  std::vector<std::string> lines;
  LineSplitter splitter;

  explicit Collected(size_t max_line = LineSplitter::k_default_max_line)
      : splitter([this](std::string_view line) { lines.emplace_back(line); }, max_line) {}
};

using Lines = std::vector<std::string>;

TEST(LineSplitter, SplitsOnNewlines) {
  Collected c;
  c.splitter.feed("one\ntwo\n");
  EXPECT_EQ(c.lines, (Lines{"one", "two"}));
}

TEST(LineSplitter, JoinsALineSplitAcrossChunks) {
  Collected c;
  c.splitter.feed("[code:");
  c.splitter.feed(" 7403]\n");
  EXPECT_EQ(c.lines, (Lines{"[code: 7403]"}));
}

TEST(LineSplitter, CrLfEndsOneLine) {
  Collected c;
  c.splitter.feed("one\r\ntwo\r\n");
  EXPECT_EQ(c.lines, (Lines{"one", "two"}));
}

TEST(LineSplitter, CrLfSplitAcrossChunksEndsOneLine) {
  Collected c;
  c.splitter.feed("one\r");
  c.splitter.feed("\ntwo\n");
  EXPECT_EQ(c.lines, (Lines{"one", "two"}));
}

TEST(LineSplitter, LoneCarriageReturnEndsALine) {
  Collected c;
  c.splitter.feed("Uploading 1/2\rUploading 2/2\n");
  EXPECT_EQ(c.lines, (Lines{"Uploading 1/2", "Uploading 2/2"}));
}

TEST(LineSplitter, KeepsEmptyLines) {
  Collected c;
  c.splitter.feed("a\n\n\nb\n");
  EXPECT_EQ(c.lines, (Lines{"a", "", "", "b"}));
}

TEST(LineSplitter, FinishFlushesAnUnterminatedLastLine) {
  Collected c;
  c.splitter.feed("last words");
  EXPECT_TRUE(c.lines.empty());
  c.splitter.finish();
  EXPECT_EQ(c.lines, (Lines{"last words"}));
}

TEST(LineSplitter, CutsOverlongLinesAndCountsThem) {
  Collected c(8);
  c.splitter.feed("0123456789abcdef");
  c.splitter.feed("ghij\nshort\n");
  EXPECT_EQ(c.lines, (Lines{"01234567", "short"}));
  EXPECT_EQ(c.splitter.truncated_lines(), 1u);
}

}  // namespace
}  // namespace cfdeploy
