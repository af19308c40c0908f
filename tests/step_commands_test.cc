// `run`, `deploy` and `migrate` as users meet them: the built binary
// supervising the scripted test child.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/fixtures.h"
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

// A file that exists but may not be executed: the shell's 126, not "not found"'s 127.
TEST(StepCommands, AProgramThatMayNotBeExecutedExits126) {
  std::string path = temp_path("not-executable");
  std::ofstream(path) << "#!/bin/sh\nexit 0\n";
  CommandResult result = run_cfdeploy({"run", "--", path});
  std::remove(path.c_str());
  EXPECT_EQ(result.exit_code, 126) << result.err;
  EXPECT_NE(result.err.find("Permission denied"), std::string::npos) << result.err;
}

TEST(StepCommands, ATimeoutBelowAMillisecondIsAUsageError) {
  CommandResult result = run_cfdeploy({"run", "--timeout", "0.0001", "--", k_child, "exit", "0"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--timeout: '0.0001' is less than a millisecond; give 0 for no limit"),
            std::string::npos)
      << result.err;
  EXPECT_NE(run_cfdeploy({"run", "--timeout", "0.001", "--", k_child, "exit", "0"}).exit_code, 2);
}

// The local check and the migration share the one --timeout: a check that used most
// of it leaves the migration only the rest.
TEST(StepCommands, MigrateCheckLocalAndTheMigrationShareOneTimeout) {
  std::string report = temp_path("check-local.json");
  CommandResult result =
      run_cfdeploy({"migrate", "DB", "--check-local", "--local", "--timeout", "3", "--report",
                    report, "--wrangler", k_child + " sleep 2"});
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  EXPECT_EQ(result.exit_code, 143) << result.err;
  EXPECT_NE(result.err.find("timed out after 3 s"), std::string::npos) << result.err;
  ASSERT_TRUE(json.is_object()) << result.err;
  EXPECT_EQ(json["timed_out"], true);
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

TEST(StepCommands, AnUnwritableReportIsAWarningThatSaysWhyAndTheStatusStays) {
  CommandResult result =
      run_cfdeploy({"run", "--report", "/nonexistent/dir/r.json", "--", k_child, "exit", "4"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.err.find("cfdeploy: warning: could not write the report to "
                            "'/nonexistent/dir/r.json' (No such file or directory)"),
            std::string::npos)
      << result.err;
  CommandResult full = run_cfdeploy({"run", "--report", "/dev/full", "--", k_child, "exit", "4"});
  EXPECT_EQ(full.exit_code, 4);
  EXPECT_NE(full.err.find("could not write the report to '/dev/full' (No space left on device)"),
            std::string::npos)
      << full.err;
}

TEST(StepCommands, AMissingProgramStillWritesTheReport) {
  std::string report = temp_path("not-started.json");
  CommandResult result = run_cfdeploy({"run", "--report", report, "--", "/nonexistent/wrangler"});
  EXPECT_EQ(result.exit_code, 127);
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["outcome"], "failure");
  EXPECT_EQ(json["exit_code"], 127);
  EXPECT_EQ(json["id"], "step-not-started");
  EXPECT_EQ(json["class"], "config");
  EXPECT_TRUE(json["evidence"]["line"].is_null());
  EXPECT_EQ(json["evidence"]["from"], "starting the command");
  EXPECT_NE(json["evidence"]["text"].get<std::string>().find("'/nonexistent/wrangler'"),
            std::string::npos);
  EXPECT_EQ(json["attempts"].size(), 1u);
  EXPECT_EQ(json["attempts"][0]["exit_status"], 127);
}

TEST(StepCommands, ATimeoutFindingSaysItComesFromTheTimeoutNotALogLine) {
  std::string report = temp_path("timeout.json");
  CommandResult result =
      run_cfdeploy({"run", "--timeout", "0.5", "--report", report, "--", k_child, "sleep", "120"});
  EXPECT_EQ(result.exit_code, 143);
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  ASSERT_TRUE(json.is_object());
  EXPECT_TRUE(json["evidence"]["line"].is_null()) << json["evidence"];
  EXPECT_EQ(json["evidence"]["from"], "the step's --timeout");
}

// Every numeric option goes through one check: "not a number" and "out of range" are
// different answers, and each names the option and the range.
TEST(StepCommands, ANumericOptionThatIsNotANumberIsAUsageErrorSayingSo) {
  for (std::vector<std::string> option : {std::vector<std::string>{"--timeout", "nan"},
                                          {"--timeout", "ten"},
                                          {"--timeout", ""},
                                          {"--retries", "two"},
                                          {"--retries", "1.5"},
                                          {"--retry-delay-ms", "1e3"},
                                          {"--kill-grace-ms", "0x10"}}) {
    std::vector<std::string> args = {"run", option[0], option[1], "--", k_child, "exit", "0"};
    CommandResult result = run_cfdeploy(args);
    EXPECT_EQ(result.exit_code, 2) << option[0] << " " << option[1];
    EXPECT_NE(result.err.find(option[0] + ": '" + option[1] + "' is not a"), std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find("out of range"), std::string::npos) << result.err;
  }
}

TEST(StepCommands, ANumericOptionOutOfRangeIsAUsageErrorNamingTheRange) {
  for (std::vector<std::string> option : {std::vector<std::string>{"--timeout", "1e20"},
                                          {"--timeout", "-5"},
                                          {"--timeout", "inf"},
                                          {"--timeout", "604801"},
                                          {"--retries", "11"},
                                          {"--retries", "-1"},
                                          {"--retry-delay-ms", "99999999999999999999"},
                                          {"--kill-grace-ms", "600001"}}) {
    std::vector<std::string> args = {"run", option[0], option[1], "--", k_child, "exit", "0"};
    CommandResult result = run_cfdeploy(args);
    EXPECT_EQ(result.exit_code, 2) << option[0] << " " << option[1];
    EXPECT_NE(result.err.find(option[0] + ": '" + option[1] + "' is out of range; give 0 to "),
              std::string::npos)
        << result.err;
    EXPECT_LT(result.err.size(), 300u) << "the range is named in a few digits: " << result.err;
  }
  CommandResult week = run_cfdeploy({"run", "--timeout", "1e20", "--", k_child, "exit", "0"});
  EXPECT_NE(week.err.find("give 0 to 604800 seconds"), std::string::npos) << week.err;
}

TEST(StepCommands, NumericOptionsAcceptEveryValueInTheirRange) {
  CommandResult result =
      run_cfdeploy({"run", "--timeout", "604800", "--retries", "10", "--retry-delay-ms", "0",
                    "--kill-grace-ms", "600000", "--", k_child, "exit", "0"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(run_cfdeploy({"run", "--timeout", "0.5", "--", k_child, "exit", "0"}).exit_code, 0);
  EXPECT_EQ(run_cfdeploy({"run", "--timeout", "+30", "--", k_child, "exit", "0"}).exit_code, 0);
}

TEST(StepCommands, MigrateWithAnEmptyDatabaseNameIsAUsageError) {
  CommandResult result = run_cfdeploy({"migrate", "", "--wrangler", k_child + " args"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << "wrangler must not run: " << result.out;
  EXPECT_NE(result.err.find("database"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("empty"), std::string::npos) << result.err;
}

TEST(StepCommands, MigrateWithADatabaseNameOfUnicodeSpaceOnlyIsAUsageError) {
  for (std::string blank :
       {"\xE2\x80\xA8", " \xC2\xA0\t", "\xE3\x80\x80\xEF\xBB\xBF", "\xE2\x80\x8A\xC2\x85"}) {
    CommandResult result = run_cfdeploy({"migrate", blank, "--wrangler", k_child + " args"});
    EXPECT_EQ(result.exit_code, 2) << blank;
    EXPECT_TRUE(result.out.empty()) << "wrangler must not run: " << result.out;
    EXPECT_NE(result.err.find("the database name is empty"), std::string::npos) << result.err;
  }
}

TEST(StepCommands, MigrateWithAnUnknownShortOptionNamesIt) {
  CommandResult result = run_cfdeploy({"migrate", "-lab", "--wrangler", k_child + " args"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("-lab"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("database is required"), std::string::npos) << result.err;
}

TEST(StepCommands, AWranglerOptionBeforeTheDashesIsNamedWithWhereItGoes) {
  CommandResult result = run_cfdeploy({"deploy", "--minify", "--wrangler", k_child + " args"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("unknown option '--minify'; wrangler's own options go after --"),
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

namespace cfdeploy {
namespace {

struct RunnerView {
  std::vector<std::string> commands;  // "name props::message" as the runner would act on them
};

// The runner's reading of a step's stdout: `::name …::message` at the start
// of a (left-trimmed) line, `##[name]` anywhere, both ignored between
// `::stop-commands::TOKEN` and `::TOKEN::`.
RunnerView as_runner_sees(const std::string& out) {
  RunnerView view;
  std::istringstream in(out);
  std::string line;
  std::string stop_token;
  while (std::getline(in, line)) {
    std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (!stop_token.empty()) {
      if (trimmed == "::" + stop_token + "::") {
        stop_token.clear();
      }
      continue;
    }
    if (trimmed.rfind("::stop-commands::", 0) == 0) {
      stop_token = trimmed.substr(17);
      continue;
    }
    if (trimmed.rfind("::", 0) == 0 || line.find("##[") != std::string::npos) {
      view.commands.push_back(trimmed);
    }
  }
  return view;
}

std::map<std::string, std::string> output_values(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t heredoc = line.find("<<");
    if (heredoc == std::string::npos) {
      continue;
    }
    std::string delimiter = line.substr(heredoc + 2);
    std::string value;
    std::getline(in, value);
    if (value == delimiter) {
      value.clear();
    } else {
      std::string end;
      std::getline(in, end);
    }
    values[line.substr(0, heredoc)] = value;
  }
  return values;
}

TEST(StepCommandsOnGithub, ChildOutputCannotBecomeAWorkflowCommand) {
  std::string output = temp_path("gh-output");
  std::string summary = temp_path("gh-summary");
  CommandResult result = run_cfdeploy(
      {"run", "--", k_child, "inject"}, "",
      {"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary,
       "CLOUDFLARE_API_TOKEN=gh-secret-token-123456"});
  EXPECT_EQ(result.exit_code, 1);
  RunnerView view = as_runner_sees(result.out);
  ASSERT_EQ(view.commands.size(), 2u) << result.out;
  EXPECT_EQ(view.commands[0], "::add-mask::gh-secret-token-123456");
  EXPECT_EQ(view.commands[1].rfind("::error title=cfdeploy%3A authorization error (code 7403)", 0),
            0u)
      << view.commands[1];
  EXPECT_NE(view.commands[1].find("Account › D1 › Edit"), std::string::npos);
  // The child's text is all still in the log, as plain text.
  EXPECT_NE(result.out.find("::error::injected by the child"), std::string::npos);
  EXPECT_NE(result.out.find("no newline at the end"), std::string::npos);
  // On GitHub the child's stderr goes to stdout too, inside the window.
  EXPECT_NE(result.out.find("::warning::from stderr"), std::string::npos);
  EXPECT_EQ(result.err.find("from stderr"), std::string::npos);

  std::map<std::string, std::string> values = output_values(testing::read_whole_file(output));
  EXPECT_EQ(values["outcome"], "failure");
  EXPECT_EQ(values["error-class"], "authorization");
  EXPECT_EQ(values["error-code"], "7403");
  EXPECT_EQ(values["attempts"], "1");
  EXPECT_EQ(values["exit-code"], "1");
  EXPECT_NE(testing::read_whole_file(summary).find("- [ ] Give the token Account › D1 › Edit"),
            std::string::npos);
  std::remove(output.c_str());
  std::remove(summary.c_str());
}

TEST(StepCommandsOnGithub, AMissingProgramStillWritesOutputsAnnotationAndSummary) {
  std::string output = temp_path("gh-127-output");
  std::string summary = temp_path("gh-127-summary");
  CommandResult result = run_cfdeploy(
      {"run", "--", "/nonexistent/wrangler"}, "",
      {"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary});
  EXPECT_EQ(result.exit_code, 127);
  std::map<std::string, std::string> values = output_values(testing::read_whole_file(output));
  EXPECT_EQ(values["outcome"], "failure");
  EXPECT_EQ(values["error-class"], "config");
  EXPECT_EQ(values["exit-code"], "127");
  EXPECT_EQ(values["attempts"], "1");
  RunnerView view = as_runner_sees(result.out);
  ASSERT_EQ(view.commands.size(), 1u) << result.out;
  EXPECT_EQ(view.commands[0].rfind("::error title=cfdeploy%3A config error", 0), 0u)
      << view.commands[0];
  EXPECT_NE(view.commands[0].find("/nonexistent/wrangler"), std::string::npos);
  EXPECT_NE(view.commands[0].find("Evidence (from starting the command)"), std::string::npos)
      << view.commands[0];
  std::string markdown = testing::read_whole_file(summary);
  EXPECT_NE(markdown.find("could not be started"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("line 0"), std::string::npos) << markdown;
  std::remove(output.c_str());
  std::remove(summary.c_str());
}

TEST(StepCommandsOnGithub, FindingsFromTheExitStatusSayWhereTheyComeFrom) {
  std::string output = temp_path("gh-exit-output");
  std::string summary = temp_path("gh-exit-summary");
  CommandResult result = run_cfdeploy(
      {"run", "--", k_child, "exit", "3"}, "",
      {"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary});
  EXPECT_EQ(result.exit_code, 3);
  RunnerView view = as_runner_sees(result.out);
  ASSERT_EQ(view.commands.size(), 1u) << result.out;
  EXPECT_NE(view.commands[0].find("Evidence (from the exit status): the command exited with "
                                  "status 3"),
            std::string::npos)
      << view.commands[0];
  std::string markdown = testing::read_whole_file(summary);
  EXPECT_NE(markdown.find("from the exit status: the command exited"), std::string::npos)
      << markdown;
  EXPECT_EQ(markdown.find("line 0"), std::string::npos) << markdown;
  std::remove(output.c_str());
  std::remove(summary.c_str());
}

TEST(StepCommandsOnGithub, MissingRunnerFilesAreWarnings) {
  CommandResult result =
      run_cfdeploy({"run", "--format", "github", "--", k_child, "exit", "0"}, "",
                   {"GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=/nonexistent/dir/summary"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.err.find("cfdeploy: warning: GITHUB_OUTPUT is not set"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("cfdeploy: warning: could not write to GITHUB_STEP_SUMMARY"),
            std::string::npos);
}

TEST(StepCommandsOnGithub, ExplainReportsASavedLog) {
  std::string output = temp_path("gh-explain-output");
  std::string log = temp_path("gh-explain.log");
  std::ofstream(log)
      << "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
         "(/accounts/***/d1/database/***) failed. Authentication error [code: 10000]\n";
  CommandResult result = run_cfdeploy({"explain", "--format", "github", log}, "",
                                      {"GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY="});
  EXPECT_EQ(result.exit_code, 0);
  RunnerView view = as_runner_sees(result.out);
  ASSERT_EQ(view.commands.size(), 1u) << result.out;
  EXPECT_NE(view.commands[0].find("authorization error (code 10000)"), std::string::npos);
  EXPECT_EQ(output_values(testing::read_whole_file(output))["error-code"], "10000");
  std::remove(output.c_str());
  std::remove(log.c_str());
}

}  // namespace
}  // namespace cfdeploy
