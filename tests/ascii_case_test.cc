#include "ascii_case.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(AsciiCase, LowersAsciiLettersOnly) {
  EXPECT_EQ(to_lower("Authentication ERROR [code: 10000]"), "authentication error [code: 10000]");
  EXPECT_EQ(to_lower(""), "");
}

TEST(AsciiCase, LeavesUtf8AndOtherBytesAsTheyAre) {
  std::string text = "\xC3\x84rger \xE2\x80\xA8 \xFF";  // "Ärger", U+2028, a stray byte
  EXPECT_EQ(to_lower(text), "\xC3\x84rger \xE2\x80\xA8 \xFF");
}

}  // namespace
}  // namespace cfdeploy
