// Reading the pending migrations out of wrangler's output.
#include "migration_plan.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/fixtures.h"

namespace cfdeploy {
namespace {

PendingMigrations read_lines(const std::string& text) {
  PendingMigrations pending;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    pending.feed_line(line);
  }
  return pending;
}

TEST(PendingMigrations, ReadsTheTableAnApplyAnnouncesAndNotItsStatusTable) {
  PendingMigrations pending = read_lines(testing::wrangler_fixture("d1-apply-ok"));
  EXPECT_TRUE(pending.listed());
  EXPECT_EQ(pending.names(),
            (std::vector<std::string>{"0001_create_users.sql",
                                      "0002_audit_7403_authentication_error.sql"}));
}

TEST(PendingMigrations, ReadsTheListCommandsTable) {
  PendingMigrations pending = read_lines(
      "Resource location: remote\n"
      "Migrations to be applied:\n"
      "\xE2\x94\x8C\xE2\x94\x80\xE2\x94\x90\n"
      "\xE2\x94\x82 Name \xE2\x94\x82\n"
      "\xE2\x94\x9C\xE2\x94\x80\xE2\x94\xA4\n"
      "\xE2\x94\x82 0003_x.sql \xE2\x94\x82\n"
      "\xE2\x94\x94\xE2\x94\x80\xE2\x94\x98\n"
      "\xE2\x94\x82 0009_after_the_table.sql \xE2\x94\x82\n");
  EXPECT_TRUE(pending.listed());
  EXPECT_EQ(pending.names(), (std::vector<std::string>{"0003_x.sql"}));
}

TEST(PendingMigrations, NothingToApplyIsAnEmptyList) {
  PendingMigrations pending = read_lines("\xE2\x9C\x85 No migrations to apply!\n");
  EXPECT_TRUE(pending.listed());
  EXPECT_TRUE(pending.names().empty());
}

TEST(PendingMigrations, OutputWithoutAListSaysNothing) {
  PendingMigrations pending = read_lines(testing::wrangler_fixture("d1-apply-7403"));
  EXPECT_FALSE(pending.listed());
}

TEST(PendingMigrations, PendingTextCountsAndNames) {
  EXPECT_EQ(pending_text({}), "none pending");
  EXPECT_EQ(pending_text({"a.sql", "b.sql"}), "2 pending: a.sql, b.sql");
}

}  // namespace
}  // namespace cfdeploy
