#include "blank_text.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(BlankText, AsciiAndUnicodeSpaceAreBlank) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_TRUE(is_blank("\xE2\x80\xA8"));
  EXPECT_TRUE(is_blank("\xC2\xA0\xE1\x9A\x80\xE2\x80\x80\xE2\x80\x8A\xE2\x80\xA9"));
  EXPECT_TRUE(is_blank("\xE2\x80\xAF\xE2\x81\x9F\xE3\x80\x80\xC2\x85\xEF\xBB\xBF"));
}

TEST(BlankText, AnyVisibleCharacterIsNotBlank) {
  EXPECT_FALSE(is_blank("db"));
  EXPECT_FALSE(is_blank("\xE2\x80\xA8x"));
  EXPECT_FALSE(is_blank("\xC3\xA9"));      // é
  EXPECT_FALSE(is_blank("\xE2\x80\x8B"));  // ZERO WIDTH SPACE is not white space
  EXPECT_FALSE(is_blank("\xE2"));          // a cut sequence
}

}  // namespace
}  // namespace cfdeploy
