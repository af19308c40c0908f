#include "numbered_list.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(NumberedList, NumbersEachItemFromOneOnALineOfItsOwn) {
  EXPECT_EQ(numbered_lines({"first", "second"}), "1. first\n2. second\n");
  EXPECT_EQ(numbered_lines({"first", "second"}, "  "), "  1. first\n  2. second\n");
}

TEST(NumberedList, AfterAHeadingEachLineStartsWithTheBreak) {
  EXPECT_EQ("How to fix it:" + numbered_lines_after({"first", "second"}),
            "How to fix it:\n1. first\n2. second");
}

TEST(NumberedList, NoItemsIsNoText) {
  EXPECT_EQ(numbered_lines({}), "");
  EXPECT_EQ(numbered_lines_after({}), "");
}

TEST(NumberedList, TenItemsAndMoreKeepCounting) {
  std::vector<std::string> items(10, "x");
  std::string text = numbered_lines(items);
  EXPECT_NE(text.find("\n10. x\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace cfdeploy
