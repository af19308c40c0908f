#include "wrangler_command.h"

#include <gtest/gtest.h>

#include <set>

namespace cfdeploy {
namespace {

using Args = std::vector<std::string>;

auto executables(std::set<std::string> paths) {
  return [paths](const std::string& path) { return paths.count(path) > 0; };
}

TEST(WranglerCommand, AnExplicitCommandWins) {
  WranglerSearch search{"pnpm exec  wrangler", "proj", "/usr/bin"};
  EXPECT_EQ(locate_wrangler(search, executables({"proj/node_modules/.bin/wrangler"})),
            (Args{"pnpm", "exec", "wrangler"}));
}

TEST(WranglerCommand, ThenTheProjectsOwnWrangler) {
  WranglerSearch search{"", "proj", "/usr/bin"};
  EXPECT_EQ(locate_wrangler(search,
                            executables({"proj/node_modules/.bin/wrangler", "/usr/bin/wrangler"})),
            (Args{"proj/node_modules/.bin/wrangler"}));
}

TEST(WranglerCommand, ThenWranglerOnPath) {
  WranglerSearch search{"", "", "/opt/none::/usr/local/bin"};
  EXPECT_EQ(locate_wrangler(search, executables({"/usr/local/bin/wrangler"})), (Args{"wrangler"}));
}

TEST(WranglerCommand, ElseNpxWithThePinnedVersion) {
  WranglerSearch search{"", "", "/usr/bin"};
  EXPECT_EQ(locate_wrangler(search, executables({})), (Args{"npx", "--yes", "wrangler@4.86.0"}));
}

TEST(WranglerCommand, SplitsOnSpacesAndTabsOnly) {
  EXPECT_EQ(split_command("  npx\twrangler@4  "), (Args{"npx", "wrangler@4"}));
  EXPECT_TRUE(split_command("   ").empty());
}

TEST(WranglerCommand, DeployArguments) {
  EXPECT_EQ(deploy_args("", {}), (Args{"deploy"}));
  EXPECT_EQ(deploy_args("staging", {"--minify"}), (Args{"deploy", "--env", "staging", "--minify"}));
}

TEST(WranglerCommand, UploadOnlyUploadsAVersion) {
  EXPECT_EQ(deploy_args("", {}, true), (Args{"versions", "upload"}));
  EXPECT_EQ(deploy_args("staging", {"--preview-alias", "pr-7"}, true),
            (Args{"versions", "upload", "--env", "staging", "--preview-alias", "pr-7"}));
}

TEST(WranglerCommand, MigrateArguments) {
  EXPECT_EQ(migrate_args("DB", MigrateTarget{}, "", {}),
            (Args{"d1", "migrations", "apply", "DB", "--remote"}));
  EXPECT_EQ(migrate_args("DB", MigrateTarget{true, "/tmp/x"}, "prod", {"--verbose"}),
            (Args{"d1", "migrations", "apply", "DB", "--local", "--persist-to", "/tmp/x", "--env",
                  "prod", "--verbose"}));
}

TEST(WranglerCommand, PagesDeployArgumentsLeaveOutEmptyOptions) {
  EXPECT_EQ(pages_deploy_args(PagesTarget{"dist", "site", "", "", ""}, {}),
            (Args{"pages", "deploy", "dist", "--project-name=site"}));
  EXPECT_EQ(
      pages_deploy_args(PagesTarget{"dist", "site", "main", "abc123", "Fix the header"},
                        {"--commit-dirty=true"}),
      (Args{"pages", "deploy", "dist", "--project-name=site", "--branch=main",
            "--commit-hash=abc123", "--commit-message=Fix the header", "--commit-dirty=true"}));
}

// A commit message starting with '-' stays the option's value.
TEST(WranglerCommand, PagesDeployKeepsAValueStartingWithADashInItsOption) {
  EXPECT_EQ(pages_deploy_args(PagesTarget{"dist", "site", "", "", "--force push fix"}, {})[4],
            "--commit-message=--force push fix");
}

TEST(WranglerCommand, MigrationsListAsksTheRemoteOrLocalDatabase) {
  EXPECT_EQ(migrations_list_args("DB", false, ""),
            (std::vector<std::string>{"d1", "migrations", "list", "DB", "--remote"}));
  EXPECT_EQ(
      migrations_list_args("DB", true, "prod"),
      (std::vector<std::string>{"d1", "migrations", "list", "DB", "--local", "--env", "prod"}));
}

TEST(WranglerCommand, RestoreGivesTheBookmarkOrTheTimestampAsOneWord) {
  EXPECT_EQ(restore_args("DB", RestoreTarget{"b-1", ""}, "", {}),
            (std::vector<std::string>{"d1", "time-travel", "restore", "DB", "--bookmark=b-1"}));
  EXPECT_EQ(restore_args("DB", RestoreTarget{"", "-1"}, "prod", {"--json"}),
            (std::vector<std::string>{"d1", "time-travel", "restore", "DB", "--timestamp=-1",
                                      "--env", "prod", "--json"}));
}
}  // namespace
}  // namespace cfdeploy
