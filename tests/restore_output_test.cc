// Reading the bookmarks out of `wrangler d1 time-travel restore`'s output.
#include "restore_output.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

const std::string k_new = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
const std::string k_old = "00000084-00000010-00004c6d-0a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";

TEST(RestoreOutput, ReadsTheNewAndThePreviousBookmark) {
  RestoreOutput output;
  output.feed_line("\xF0\x9F\x9A\xA7 Restoring database lab-db from bookmark " + k_new);
  output.feed_line("\xE2\x9C\x85 Database lab-db restored back to bookmark " + k_new);
  output.feed_line("\t\t\t\t");
  output.feed_line(
      "\xE2\x86\xA9\xEF\xB8\x8F To undo this operation, you can restore to the previous "
      "bookmark: " +
      k_old);
  EXPECT_EQ(output.restored_to(), k_new);
  EXPECT_EQ(output.previous_bookmark(), k_old);
}

TEST(RestoreOutput, ColouredLinesAreReadToo) {
  RestoreOutput output;
  output.feed_line("\x1b[32m\xE2\x9C\x85 Database lab-db restored back to bookmark " + k_new +
                   "\x1b[0m");
  EXPECT_EQ(output.restored_to(), k_new);
}

TEST(RestoreOutput, AWordThatIsNotABookmarkIsNotTaken) {
  RestoreOutput output;
  output.feed_line("Database x restored back to bookmark ::error::oops");
  output.feed_line("restore to the previous bookmark: undefined%0A");
  EXPECT_EQ(output.restored_to(), "");
  EXPECT_EQ(output.previous_bookmark(), "");
}

TEST(RestoreOutput, OtherLinesLeaveNothing) {
  RestoreOutput output;
  output.feed_line("\xE2\x9A\xA1\xEF\xB8\x8F Time travel in progress...");
  output.feed_line("Restoring database lab-db from bookmark " + k_new);
  EXPECT_EQ(output.restored_to(), "");
  EXPECT_EQ(output.previous_bookmark(), "");
}

}  // namespace
}  // namespace cfdeploy
