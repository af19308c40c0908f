// `run`, `deploy` and `migrate` as users meet them: the built binary
// supervising the scripted test child.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_command.h"

namespace cfdeploy {
namespace {

using testing::CommandResult;
using testing::run_cfdeploy;

const std::string k_child = CFDEPLOY_TEST_CHILD;

std::string temp_path(const char* name) {
  return "/tmp/cfdeploy-step-" + std::to_string(getpid()) + "-" + name;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

TEST(StepCommands, RunPassesTheChildsBytesThroughUnchanged) {
  testing::ProcessSpec direct;
  direct.argv = {k_child, "binary"};
  CommandResult alone = testing::run_process(direct);
  CommandResult wrapped = run_cfdeploy({"run", "--", k_child, "binary"});
  ASSERT_EQ(wrapped.exit_code, 0) << wrapped.err;
  ASSERT_FALSE(alone.out.empty());
  EXPECT_TRUE(wrapped.out == alone.out) << "stdout differs from the child's own bytes";
}

TEST(StepCommands, RunKeepsEachStreamSeparateAndInOrder) {
  CommandResult result = run_cfdeploy({"run", "--", k_child, "both"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.find("err "), std::string::npos);
  EXPECT_LT(result.out.find("out 1\n"), result.out.find("out 2\n"));
  EXPECT_LT(result.err.find("err 1\n"), result.err.find("err 2\n"));
}

TEST(StepCommands, RunExitsWithTheChildsStatus) {
  std::string report = temp_path("exit.json");
  CommandResult result = run_cfdeploy({"run", "--report", report, "--", k_child, "exit", "3"});
  EXPECT_EQ(result.exit_code, 3);
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  EXPECT_EQ(json["exit_code"], 3);
  EXPECT_EQ(json["class"], "unknown");
  EXPECT_EQ(json["attempts"].size(), 1u);
}

TEST(StepCommands, RunReportsDeathBySignalTheShellWay) {
  EXPECT_EQ(run_cfdeploy({"run", "--", k_child, "signal", "9"}).exit_code, 137);
}

TEST(StepCommands, AnErrorPrintedWithExitZeroFailsWithOne) {
  std::string report = temp_path("zero.json");
  CommandResult result =
      run_cfdeploy({"run", "--retries", "5", "--report", report, "--", k_child, "print-7403", "0"});
  EXPECT_EQ(result.exit_code, 1);
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  EXPECT_EQ(json["class"], "authorization");
  EXPECT_EQ(json["code"], 7403);
  EXPECT_EQ(json["attempts"].size(), 1u);
  EXPECT_NE(result.err.find("cfdeploy: failed after 1 attempt (exit status 1): authorization, "
                            "code 7403"),
            std::string::npos)
      << result.err;
}

TEST(StepCommands, RunStopsAChildAtTheTimeout) {
  CommandResult result = run_cfdeploy({"run", "--timeout", "0.5", "--", k_child, "sleep", "20"});
  EXPECT_EQ(result.exit_code, 143);
  EXPECT_NE(result.err.find("timed out after 0.5 s"), std::string::npos) << result.err;
}

TEST(StepCommands, AMissingProgramExits127AndIsNamed) {
  CommandResult result = run_cfdeploy({"run", "--", "/nonexistent/wrangler"});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(result.err.find("'/nonexistent/wrangler'"), std::string::npos) << result.err;
}

TEST(StepCommands, RunWithoutACommandIsAUsageError) {
  CommandResult result = run_cfdeploy({"run"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("command"), std::string::npos) << result.err;
}

TEST(StepCommands, OutOfRangeRetriesAreAUsageError) {
  CommandResult result = run_cfdeploy({"run", "--retries", "99", "--", k_child, "exit", "0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--retries"), std::string::npos) << result.err;
}

TEST(StepCommands, AnUnwritableReportIsAWarningAndTheStatusStays) {
  CommandResult result =
      run_cfdeploy({"run", "--report", "/nonexistent/dir/r.json", "--", k_child, "exit", "4"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.err.find("cfdeploy: warning: could not write the report to "
                            "'/nonexistent/dir/r.json'"),
            std::string::npos)
      << result.err;
}

TEST(StepCommands, DeployBuildsTheWranglerCommandLine) {
  CommandResult result = run_cfdeploy(
      {"deploy", "--wrangler", k_child + " args", "--env", "staging", "--", "--minify"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "args deploy --env staging --minify\n");
}

TEST(StepCommands, MigrateBuildsTheWranglerCommandLine) {
  CommandResult result = run_cfdeploy({"migrate", "DB", "--wrangler", k_child + " args"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "args d1 migrations apply DB --remote\n");
}

TEST(StepCommands, TheChildGetsAPrivateWranglerOutputFile) {
  CommandResult result = run_cfdeploy({"run", "--", k_child, "env", "WRANGLER_OUTPUT_FILE_PATH"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("/cfdeploy-wrangler-"), std::string::npos) << result.out;
}

TEST(StepCommands, TheTokenNeverAppearsInTheReport) {
  std::string report = temp_path("token.json");
  CommandResult result =
      run_cfdeploy({"run", "--report", report, "--", k_child, "args", "secret-token-value-42"}, "",
                   {"CLOUDFLARE_API_TOKEN=secret-token-value-42"});
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(report.c_str());
  EXPECT_EQ(text.str().find("secret-token-value-42"), std::string::npos);
  EXPECT_NE(text.str().find("***"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
