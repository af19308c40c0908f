// Errors as values: the message of an Error, and Result<void> for work that gives back
// nothing but may fail.
#include "error.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

Result<void> refuse_empty(const std::string& name) {
  if (name.empty()) {
    return Error{"reading the database name", "it is empty"};
  }
  return {};
}

TEST(Error, MessageJoinsContextAndCause) {
  EXPECT_EQ((Error{"reading 'x.log'", "No such file or directory"}).message(),
            "reading 'x.log': No such file or directory");
  EXPECT_EQ((Error{"no environment named \"prod\"", ""}).message(),
            "no environment named \"prod\"");
}

TEST(Error, ResultOfVoidIsOkUntilGivenAnError) {
  Result<void> done = refuse_empty("notes-db");
  EXPECT_TRUE(done.ok());
  EXPECT_TRUE(static_cast<bool>(done));
  Result<void> refused = refuse_empty("");
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(static_cast<bool>(refused));
  EXPECT_EQ(refused.error().message(), "reading the database name: it is empty");
}

}  // namespace
}  // namespace cfdeploy
