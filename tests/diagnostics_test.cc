#include "diagnostics.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_command.h"
#include "support/runner_log.h"

namespace cfdeploy {
namespace {

using testing::CommandResult;
using testing::run_cfdeploy;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Diagnostics, AMessageIsRedactedBeforeItIsEscaped) {
  setenv("CLOUDFLARE_API_TOKEN", "tok_abcdef123456\n", 1);
  std::string line =
      diagnostic_line("cfdeploy: ", "Bearer tok_abcdef123456\n and tok_abcdef123456");
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(line, "cfdeploy: Bearer *** and ***\n");
}

TEST(Diagnostics, AMessageIsOneLineWhateverItQuotes) {
  EXPECT_EQ(diagnostic_line("cfdeploy: error: ", "unknown command 'x\n::error::injected\r'"),
            "cfdeploy: error: unknown command 'x\\n::error::injected\\r'\n");
  EXPECT_EQ(diagnostic_line("cfdeploy: ", "a##[error]b"), "cfdeploy: a##\\[error]b\n");
}

// What the runner would act on in everything cfdeploy printed.
std::vector<std::string> commands_in(const CommandResult& result) {
  std::vector<std::string> found = testing::runner_commands(result.err);
  std::vector<std::string> on_stdout = testing::runner_commands(result.out);
  found.insert(found.end(), on_stdout.begin(), on_stdout.end());
  return found;
}

const std::string k_injected = "x\n::error::injected\r##[warning]legacy\xE2\x80\xA8::notice::ls";

TEST(Diagnostics, ACommandThatCannotStartCannotIssueAWorkflowCommandByItsName) {
  CommandResult result =
      run_cfdeploy({"run", "--format", "text", "--", k_injected}, "", {"GITHUB_ACTIONS=true"});
  EXPECT_EQ(result.exit_code, 127) << result.err;
  EXPECT_EQ(commands_in(result), std::vector<std::string>{}) << result.err;
  // Still shown, as text: the failure's evidence quotes the name.
  EXPECT_TRUE(contains(result.err, ":error::injected")) << result.err;
  EXPECT_TRUE(contains(result.err, "##\\[warning]legacy")) << result.err;
}

TEST(Diagnostics, QuotedArgumentsInUsageErrorsCannotIssueWorkflowCommands) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{k_injected},
        std::vector<std::string>{"run", "-C", "/nonexistent/" + k_injected, "--", "true"},
        std::vector<std::string>{"run", "--retries", k_injected, "--", "true"},
        std::vector<std::string>{"deploy", "--format", k_injected}}) {
    CommandResult result = run_cfdeploy(args, "", {"GITHUB_ACTIONS=true"});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(commands_in(result), std::vector<std::string>{}) << result.err;
    EXPECT_TRUE(contains(result.err, "::error::injected"))
        << "still shown, as text: " << result.err;
  }
}

// Outside GitHub's reporting (--format text) the step's summary goes to stderr
// with no stop-commands window, quoting the child's error line.
TEST(Diagnostics, TheStepSummaryOutsideTheWindowCannotIssueACommand) {
  CommandResult result = run_cfdeploy(
      {"run", "--format", "text", "--", CFDEPLOY_TEST_CHILD, "error-quoting", "##[error]injected"},
      "", {"GITHUB_ACTIONS=true"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::string ours;  // the lines cfdeploy wrote, not the child's own
  std::istringstream in(result.err);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("cfdeploy:", 0) == 0) {
      ours += line + "\n";
    }
  }
  EXPECT_TRUE(contains(ours, "cfdeploy: evidence: ")) << result.err;
  EXPECT_EQ(testing::runner_commands(ours), std::vector<std::string>{}) << ours;
  EXPECT_TRUE(contains(ours, "##\\[error]injected")) << ours;
}

// explain quotes the log it reads, in text and in JSON, outside any window.
TEST(Diagnostics, ExplainsOutputCannotIssueACommand) {
  const std::string log =
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b) failed. "
      "##[error]injected The given account is not valid or is not authorized to access this "
      "service [code: 7403]\n";
  for (const std::string format : {"text", "json"}) {
    CommandResult result = run_cfdeploy({"explain", "--format", format, "-"}, log);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.out, "injected")) << result.out;
    EXPECT_EQ(testing::runner_commands(result.out), std::vector<std::string>{}) << result.out;
    if (format == "json") {
      EXPECT_NE(nlohmann::json::parse(result.out)["evidence"]["text"].get<std::string>().find(
                    "##[error]injected"),
                std::string::npos);
    }
  }
}

}  // namespace
}  // namespace cfdeploy
