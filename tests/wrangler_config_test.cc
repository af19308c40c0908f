// Reading wrangler.toml / wrangler.json / wrangler.jsonc as wrangler does: values, the
// line each came from, --env resolution, and clear file:line errors for broken files.
#include "wrangler_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/fixtures.h"

namespace cfdeploy {
namespace {

using testing::source_path;

// The same project in each format, and the lines its values are on.
struct Sample {
  std::string file;
  int name_line;
  int account_line;
  int database_id_line;
  int staging_account_line;
  int staging_database_id_line;
};

const std::vector<Sample> k_samples = {
    {"toml/wrangler.toml", 2, 5, 10, 13, 18},
    {"json/wrangler.json", 2, 4, 9, 14, 19},
    {"jsonc/wrangler.jsonc", 4, 7, 12, 17, 23},
};

std::string fixture(const std::string& name) {
  return source_path("tests/fixtures/config/" + name);
}

WranglerConfig read_ok(const std::string& path, const std::string& environment = "") {
  Result<WranglerConfig> config = read_wrangler_config(path, environment);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message());
  return config.ok() ? config.value() : WranglerConfig{};
}

std::string read_error(const std::string& path, const std::string& environment = "") {
  Result<WranglerConfig> config = read_wrangler_config(path, environment);
  EXPECT_FALSE(config.ok()) << path << " was read without an error";
  return config.ok() ? "" : config.error().message();
}

TEST(WranglerConfig, ReadsTheTopLevelOfEveryFormatWithLines) {
  for (const Sample& sample : k_samples) {
    SCOPED_TRACE(sample.file);
    std::string path = fixture(sample.file);
    WranglerConfig config = read_ok(path);
    EXPECT_EQ(config.name.value, "lab-worker");
    ASSERT_TRUE(config.name.where);
    EXPECT_EQ(config.name.where->line, sample.name_line);
    EXPECT_EQ(config.name.where->file, path);
    EXPECT_EQ(config.account_id.value, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(config.account_id.where->line, sample.account_line);
    ASSERT_EQ(config.d1_databases.size(), 1u);
    const D1DatabaseConfig& db = config.d1_databases[0];
    EXPECT_EQ(db.binding.value, "DB");
    EXPECT_EQ(db.database_name.value, "lab-db");
    EXPECT_EQ(db.database_id.value, "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(db.database_id.where->line, sample.database_id_line);
    EXPECT_EQ(db.migrations_dir.value, "migrations");
    EXPECT_FALSE(db.migrations_dir.present());
    EXPECT_EQ(config.environments, (std::vector<std::string>{"production", "staging"}));
  }
}

TEST(WranglerConfig, EnvironmentReplacesD1DatabasesAndSuffixesTheName) {
  for (const Sample& sample : k_samples) {
    SCOPED_TRACE(sample.file);
    WranglerConfig config = read_ok(fixture(sample.file), "staging");
    EXPECT_EQ(config.environment, "staging");
    EXPECT_EQ(config.name.value, "lab-worker-staging");
    EXPECT_EQ(config.name.where->line, sample.name_line);
    EXPECT_EQ(config.account_id.value, "fedcba9876543210fedcba9876543210");
    EXPECT_EQ(config.account_id.where->line, sample.staging_account_line);
    ASSERT_EQ(config.d1_databases.size(), 1u);
    EXPECT_EQ(config.d1_databases[0].database_name.value, "lab-db-staging");
    EXPECT_EQ(config.d1_databases[0].database_id.value, "REPLACE_WITH_D1_DATABASE_ID");
    EXPECT_EQ(config.d1_databases[0].database_id.where->line, sample.staging_database_id_line);
    EXPECT_EQ(config.d1_databases[0].migrations_dir.value, "migrations/staging");
  }
}

TEST(WranglerConfig, EnvironmentInheritsAccountIdButNotD1Databases) {
  for (const Sample& sample : k_samples) {
    SCOPED_TRACE(sample.file);
    WranglerConfig config = read_ok(fixture(sample.file), "production");
    EXPECT_EQ(config.name.value, "lab-worker-prod");
    EXPECT_EQ(config.account_id.value, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(config.account_id.where->line, sample.account_line);
    EXPECT_TRUE(config.d1_databases.empty());
    ASSERT_EQ(config.warnings.size(), 1u);
    EXPECT_NE(config.warnings[0].find("not inherit"), std::string::npos);
  }
}

TEST(WranglerConfig, UnknownEnvironmentIsAnErrorListingTheKnownOnes) {
  std::string message = read_error(fixture("toml/wrangler.toml"), "prod");
  EXPECT_NE(message.find("no environment named \"prod\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"production\", \"staging\""), std::string::npos) << message;
}

TEST(WranglerConfig, FindsD1ByDatabaseNameOrBinding) {
  WranglerConfig config = read_ok(fixture("toml/wrangler.toml"));
  ASSERT_NE(config.find_d1("lab-db"), nullptr);
  EXPECT_EQ(config.find_d1("DB"), config.find_d1("lab-db"));
  EXPECT_EQ(config.find_d1("other"), nullptr);
}

TEST(WranglerConfig, BrokenTomlNamesFileAndLine) {
  std::string path = fixture("broken.toml");
  std::string message = read_error(path);
  EXPECT_EQ(message.rfind(path + ":5: invalid TOML", 0), 0u) << message;
}

TEST(WranglerConfig, BrokenJsoncNamesFileAndLine) {
  std::string path = fixture("broken.jsonc");
  std::string message = read_error(path);
  EXPECT_EQ(message.rfind(path + ":4: invalid JSON", 0), 0u) << message;
}

TEST(WranglerConfig, UnterminatedCommentNamesWhereItStarts) {
  std::string path = fixture("unterminated.jsonc");
  EXPECT_EQ(read_error(path), path + ":3: invalid JSON: unterminated /* comment");
}

TEST(WranglerConfig, WrongTypeNamesTheFieldAndLine) {
  std::string path = fixture("wrong-type.toml");
  EXPECT_EQ(read_error(path),
            path + ":6: d1_databases[0].database_id must be a string, not a number");
}

TEST(WranglerConfig, MissingFileIsAnErrorNotACrash) {
  std::string message = read_error("/nonexistent/wrangler.toml");
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST(WranglerConfig, EscapedQuotesDoNotEndAString) {
  Result<WranglerConfig> config = parse_wrangler_config(
      "{\n\"name\": \"a \\\" // b\",\n\"account_id\": \"x\"\n}", ConfigFormat::json, "w.json", "");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config.value().name.value, "a \" // b");
  EXPECT_EQ(config.value().account_id.where->line, 3);
}

TEST(WranglerConfig, EmptyAccountIdIsIgnoredWithAWarning) {
  Result<WranglerConfig> config =
      parse_wrangler_config("account_id = \"\"\n", ConfigFormat::toml, "w.toml", "");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config.value().account_id.present());
  EXPECT_EQ(config.value().warnings.size(), 1u);
}

TEST(WranglerConfig, FindsJsonBeforeToml) {
  std::string found = find_wrangler_config(fixture("both"));
  EXPECT_EQ(std::filesystem::path(found).filename(), "wrangler.json");
  EXPECT_EQ(read_ok(found).name.value, "from-json");
}

TEST(WranglerConfig, FindsTheConfigInAParentDirectory) {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("cfdeploy-config-" + std::to_string(getpid()));
  std::filesystem::create_directories(root / "a" / "b");
  std::ofstream(root / "wrangler.jsonc") << "{\"name\": \"up\"}";
  std::string found = find_wrangler_config((root / "a" / "b").string());
  std::filesystem::remove_all(root);
  EXPECT_EQ(found, (root / "wrangler.jsonc").string());
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char dir[] = "/tmp/cfdeploy-config-XXXXXX";
    path = mkdtemp(dir);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(WranglerConfig, ADirectoryNamedLikeTheConfigIsNamedAsADirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "wrangler.json");
  EXPECT_EQ(find_wrangler_config(dir.path.string()), "");
  std::string unusable = find_unusable_wrangler_config(dir.path.string());
  EXPECT_EQ(unusable, (dir.path / "wrangler.json").string());
  EXPECT_EQ(read_error(unusable), "reading '" + unusable + "': it is a directory, not a file");
}

TEST(WranglerConfig, AFifoNamedLikeTheConfigIsNotRead) {
  TempDir dir;
  std::string fifo = (dir.path / "wrangler.toml").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Opening it for reading would wait for ever for a writer.
  EXPECT_EQ(read_error(fifo), "reading '" + fifo +
                                  "': it is not a regular file (a FIFO, a socket or a device), so "
                                  "it was not read");
  EXPECT_EQ(find_unusable_wrangler_config(dir.path.string()), fifo);
}

}  // namespace
}  // namespace cfdeploy
