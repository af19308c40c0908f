#include "project_locator.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/findings.h"

namespace cfdeploy {
namespace {

namespace fs = std::filesystem;
using testing::finding_for;

struct TempDir {
  fs::path path;
  TempDir() {
    char dir[] = "/tmp/cfdeploy-locator-XXXXXX";
    path = mkdtemp(dir);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(ProjectLocator, PointsASqlErrorAtItsMigrationFileAndLine) {
  TempDir dir;
  fs::create_directories(dir.path / "app/migrations");
  std::ofstream(dir.path / "app/migrations/0003_x.sql") << "-- c\nSELECT 1;\nCREAT TABLE t;\n";
  Finding finding =
      finding_for(7500, "/d1/", "near \"CREAT\": syntax error at offset 15: SQLITE_ERROR");
  finding.migration = "0003_x.sql";
  Locator locate = project_locator((dir.path / "app").string(), "", dir.path.string());
  std::optional<SourceLocation> where = locate(finding);
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->file, "app/migrations/0003_x.sql");
  EXPECT_EQ(where->line, 3);
  finding.migration = "0009_missing.sql";
  EXPECT_FALSE(locate(finding).has_value());
}

// Migration names come from the step's output. A name that leads out of the migrations
// directory, or to something that is not a regular file, is never opened.
TEST(ProjectLocator, AMigrationNameOutsideTheDirectoryPointsNowhere) {
  TempDir dir;
  fs::create_directories(dir.path / "app/migrations");
  std::ofstream(dir.path / "app/secret.sql") << "SELECT 1;\n";
  std::ofstream(dir.path / "outside.sql") << "SELECT 1;\n";
  fs::create_symlink(dir.path / "outside.sql", dir.path / "app/migrations/0001_link.sql");
  Locator locate = project_locator((dir.path / "app").string(), "", dir.path.string());
  Finding finding = finding_for(7500, "/d1/", "syntax error at offset 3: SQLITE_ERROR");
  for (const std::string& name :
       std::vector<std::string>{"../secret.sql", "0001_link.sql", "sub/../../secret.sql",
                                (dir.path / "app/secret.sql").string(), "."}) {
    finding.migration = name;
    EXPECT_FALSE(locate(finding).has_value()) << name;
  }
}

TEST(ProjectLocator, AMigrationNamingAFifoOrADeviceIsNeverOpened) {
  TempDir dir;
  fs::create_directories(dir.path / "app/migrations");
  ASSERT_EQ(mkfifo((dir.path / "app/migrations/0001_fifo.sql").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir.path / "app/migrations/0002_zero.sql");
  Locator locate = project_locator((dir.path / "app").string(), "", dir.path.string());
  // Opening the FIFO would block for ever, and /dev/zero would be read up to the offset.
  Finding finding = finding_for(7500, "/d1/", "syntax error at offset 999999999: SQLITE_ERROR");
  finding.migration = "0001_fifo.sql";
  EXPECT_FALSE(locate(finding).has_value());
  finding.migration = "0002_zero.sql";
  EXPECT_FALSE(locate(finding).has_value());
}

TEST(ProjectLocator, AnOffsetPastAnyRealMigrationGivesTheFileWithoutALine) {
  TempDir dir;
  fs::create_directories(dir.path / "app/migrations");
  std::ofstream(dir.path / "app/migrations/0003_x.sql") << "SELECT 1;\n";
  Locator locate = project_locator((dir.path / "app").string(), "", dir.path.string());
  Finding finding = finding_for(7500, "/d1/", "syntax error at offset 999999999: SQLITE_ERROR");
  finding.migration = "0003_x.sql";
  std::optional<SourceLocation> where = locate(finding);
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->file, "app/migrations/0003_x.sql");
  EXPECT_EQ(where->line, 0);
}

TEST(ProjectLocator, PointsConfigAndAccountErrorsAtTheirConfigurationLines) {
  TempDir dir;
  fs::create_directories(dir.path / "app");
  std::ofstream(dir.path / "app/wrangler.toml") << "name = \"w\"\n"
                                                   "account_id = \"me@example.com\"\n"
                                                   "\n"
                                                   "[[d1_databases]]\n"
                                                   "binding = \"DB\"\n"
                                                   "database_name = \"db\"\n"
                                                   "database_id = \"REPLACE_ME\"\n";
  Locator locate = project_locator((dir.path / "app").string(), "", dir.path.string());
  Finding invalid_uuid =
      finding_for(7400, "/accounts/a/d1/database/REPLACE_ME/query", "Invalid uuid [code: 7400]");
  std::optional<SourceLocation> where = locate(invalid_uuid);
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->file, "app/wrangler.toml");
  EXPECT_EQ(where->line, 7);
  Finding bad_account = finding_for(7003, "/accounts/me@example.com/workers/scripts/w",
                                    "Could not route to /client/v4/accounts/x [code: 7003]");
  ASSERT_EQ(bad_account.entry->failure_class, FailureClass::account);
  ASSERT_TRUE(locate(bad_account).has_value());
  EXPECT_EQ(locate(bad_account)->line, 2);
  Finding missing_worker = finding_for(10007, "/accounts/a/workers/services/w", "not found");
  ASSERT_TRUE(locate(missing_worker).has_value());
  EXPECT_EQ(locate(missing_worker)->line, 1);
  EXPECT_FALSE(locate(finding_for(971, "/x", "throttling")).has_value());
}

}  // namespace
}  // namespace cfdeploy
