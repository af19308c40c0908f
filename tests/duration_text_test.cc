#include "duration_text.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

TEST(DurationText, AStepsDurationIsRoundedToATenth) {
  EXPECT_EQ(seconds_text(milliseconds(0)), "0.0 s");
  EXPECT_EQ(seconds_text(milliseconds(2460)), "2.5 s");
  EXPECT_EQ(seconds_text(milliseconds(1999)), "2.0 s");
  EXPECT_EQ(seconds_text(milliseconds(61000)), "61.0 s");
}

TEST(DurationText, AWaitIsCutToWholeTenthsSoItIsNeverOverstated) {
  EXPECT_EQ(tenths_text(milliseconds(2460)), "2.4 s");
  EXPECT_EQ(tenths_text(milliseconds(1999)), "1.9 s");
  EXPECT_EQ(tenths_text(milliseconds(3000)), "3.0 s");
  EXPECT_EQ(tenths_text(milliseconds(50)), "0.0 s");
}

TEST(DurationText, ALimitShowsWholeSecondsWithoutADecimal) {
  EXPECT_EQ(short_seconds_text(milliseconds(3000)), "3 s");
  EXPECT_EQ(short_seconds_text(milliseconds(3050)), "3 s");
  EXPECT_EQ(short_seconds_text(milliseconds(500)), "0.5 s");
  EXPECT_EQ(short_seconds_text(milliseconds(2460)), "2.4 s");
}

}  // namespace
}  // namespace cfdeploy
