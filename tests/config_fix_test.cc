// The configuration fix: the line read from the file with the right value in it, and a diff
// that real git accepts against the fixture project.
#include "config_fix.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "support/fixtures.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

namespace fs = std::filesystem;
using testing::read_whole_file;

constexpr const char* k_stale_id = "00000000-0000-4000-8000-000000000001";
constexpr const char* k_right_id = "22222222-3333-4444-5555-666666666666";

// A scratch git repository holding a copy of tests/fixtures/project.
class ConfigFixRepository : public ::testing::Test {
protected:
  void SetUp() override {
    char dir[] = "/tmp/cfdeploy-config-fix-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    m_dir = dir;
    fs::copy(testing::source_path("tests/fixtures/project"), m_dir, fs::copy_options::recursive);
    ASSERT_EQ(git({"init", "-q"}).exit_code, 0);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  testing::CommandResult git(std::vector<std::string> args) const {
    testing::ProcessSpec spec;
    spec.argv = {"/usr/bin/git", "-C", m_dir.string()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    return testing::run_process(spec);
  }

  // `git apply` with the diff on its standard input.
  testing::CommandResult apply(const std::string& diff, bool check) const {
    testing::ProcessSpec spec;
    spec.argv = {"/usr/bin/git", "-C", m_dir.string(), "apply"};
    if (check) {
      spec.argv.emplace_back("--check");
    }
    spec.stdin_text = diff;
    return testing::run_process(spec);
  }

  std::string config() const { return (m_dir / "wrangler.toml").string(); }

  fs::path m_dir;
};

TEST_F(ConfigFixRepository, ReplacesTheValueOnTheNamedLineOnly) {
  std::optional<ConfigFix> fix =
      make_config_fix({config(), 8}, "database_id", k_stale_id, k_right_id);
  ASSERT_TRUE(fix);
  EXPECT_EQ(fix->line, std::string("database_id = \"") + k_stale_id + "\"");
  EXPECT_EQ(fix->replacement, std::string("database_id = \"") + k_right_id + "\"");
  EXPECT_EQ(fix->before.size(), 3u);
  EXPECT_TRUE(fix->after.empty());
}

TEST_F(ConfigFixRepository, TheDiffAppliesWithGitApplyToTheFixtureProject) {
  std::optional<ConfigFix> fix =
      make_config_fix({config(), 8}, "database_id", k_stale_id, k_right_id);
  ASSERT_TRUE(fix);
  std::string diff = config_fix_diff(*fix, "wrangler.toml");
  testing::CommandResult checked = apply(diff, true);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << "\n" << diff;
  ASSERT_EQ(apply(diff, false).exit_code, 0);
  std::string after = read_whole_file(config());
  EXPECT_NE(after.find(std::string("database_id = \"") + k_right_id + "\"\n"), std::string::npos)
      << after;
  EXPECT_EQ(after.find(k_stale_id), std::string::npos);
}

TEST_F(ConfigFixRepository, TheDiffAppliesToALastLineWithoutALineBreak) {
  std::string text = read_whole_file(config());
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  std::ofstream(config(), std::ios::trunc) << text;
  std::optional<ConfigFix> fix =
      make_config_fix({config(), 8}, "database_id", k_stale_id, k_right_id);
  ASSERT_TRUE(fix);
  EXPECT_TRUE(fix->ends_without_newline);
  std::string diff = config_fix_diff(*fix, "wrangler.toml");
  testing::CommandResult checked = apply(diff, true);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << "\n" << diff;
}

TEST_F(ConfigFixRepository, TheDiffAppliesInTheMiddleOfTheFileWithContextOnBothSides) {
  std::optional<ConfigFix> fix = make_config_fix({config(), 1}, "name", "lab-worker", "lab-api");
  ASSERT_TRUE(fix);
  EXPECT_TRUE(fix->before.empty());
  EXPECT_EQ(fix->after.size(), 3u);
  std::string diff = config_fix_diff(*fix, "wrangler.toml");
  EXPECT_EQ(diff.substr(0, diff.find("@@ -1,4 +1,4 @@")),
            "--- a/wrangler.toml\n+++ b/wrangler.toml\n");
  testing::CommandResult checked = apply(diff, true);
  EXPECT_EQ(checked.exit_code, 0) << checked.err << "\n" << diff;
}

TEST_F(ConfigFixRepository, NoFixWhenTheLineDoesNotHoldTheWrongValue) {
  EXPECT_FALSE(make_config_fix({config(), 7}, "database_id", k_stale_id, k_right_id));
  EXPECT_FALSE(make_config_fix({config(), 99}, "database_id", k_stale_id, k_right_id));
  EXPECT_FALSE(make_config_fix({config(), 8}, "database_id", "", k_right_id));
}

TEST(ConfigFix, NoFixForAFileThatCannotBeRead) {
  EXPECT_FALSE(make_config_fix({"/nonexistent/wrangler.toml", 1}, "account_id", "a", "b"));
  EXPECT_FALSE(make_config_fix({"/tmp", 1}, "account_id", "a", "b"));
}

}  // namespace
}  // namespace cfdeploy
