#include "step_reporter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "environment.h"

namespace cfdeploy {
namespace {

// GITHUB_ACTIONS for the test's lifetime, restored afterwards.
class OnRunner {
public:
  explicit OnRunner(const char* value) : m_old(env_value("GITHUB_ACTIONS")) {
    setenv("GITHUB_ACTIONS", value, 1);
  }
  ~OnRunner() {
    if (m_old) {
      setenv("GITHUB_ACTIONS", m_old->c_str(), 1);
    } else {
      unsetenv("GITHUB_ACTIONS");
    }
  }
  OnRunner(const OnRunner&) = delete;
  OnRunner& operator=(const OnRunner&) = delete;

private:
  std::optional<std::string> m_old;
};

struct Echoed {
  std::string out;
  std::string err;
};

ReporterOutput capture(Echoed& echoed, std::ostream& out) {
  return ReporterOutput{[&echoed](int fd, std::string_view bytes) {
                          (fd == STDOUT_FILENO ? echoed.out : echoed.err).append(bytes);
                        },
                        out};
}

TEST(StepReporter, AutoIsGithubOnlyOnARunner) {
  {
    OnRunner runner("true");
    EXPECT_EQ(step_report_format("auto"), ReportFormat::github);
    EXPECT_EQ(step_report_format("text"), ReportFormat::text);
  }
  OnRunner elsewhere("false");
  EXPECT_EQ(step_report_format("auto"), ReportFormat::text);
  EXPECT_EQ(step_report_format("github"), ReportFormat::github);
}

TEST(StepReporter, TextKeepsEachStreamToItsOwn) {
  Echoed echoed;
  std::ostringstream out;
  std::unique_ptr<StepReporter> reporter =
      make_step_reporter(StepReportSettings{}, capture(echoed, out));
  reporter->start_child_output();
  reporter->child_output(Stream::out, "to stdout\n");
  reporter->child_output(Stream::err, "to stderr\n");
  EXPECT_EQ(echoed.out, "to stdout\n");
  EXPECT_EQ(echoed.err, "to stderr\n");
  EXPECT_EQ(out.str(), "");  // no workflow commands
  EXPECT_FALSE(reporter->summary_lost());
}

TEST(StepReporter, GithubKeepsBothStreamsAndTheSummaryInsideOneWindow) {
  Echoed echoed;
  std::ostringstream out;
  StepReportSettings settings;
  settings.format = ReportFormat::github;
  std::unique_ptr<StepReporter> reporter = make_step_reporter(settings, capture(echoed, out));
  reporter->start_child_output();
  ASSERT_NE(out.str().find("::stop-commands::"), std::string::npos) << out.str();
  reporter->child_output(Stream::out, "out\n");
  reporter->child_output(Stream::err, "::error::from stderr");  // no newline at the end
  EXPECT_EQ(echoed.out, "out\n::error::from stderr");
  EXPECT_EQ(echoed.err, "");
  reporter->end_child_output("cfdeploy: failed\n");
  std::string text = out.str();
  std::string token = text.substr(text.find("::stop-commands::") + 17, 32);
  // The resume token comes after the summary, at the start of a line.
  EXPECT_NE(text.find("cfdeploy: failed\n::" + token + "::\n"), std::string::npos) << text;
  EXPECT_FALSE(reporter->summary_lost());
}

TEST(StepReporter, APagesDeploymentsJobSummaryNamesItsBranchAlias) {
  char path[] = "/tmp/cfdeploy-summary-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::optional<std::string> old_summary = env_value("GITHUB_STEP_SUMMARY");
  setenv("GITHUB_STEP_SUMMARY", path, 1);
  Echoed echoed;
  std::ostringstream out;
  StepReportSettings settings;
  settings.format = ReportFormat::github;
  std::unique_ptr<StepReporter> reporter = make_step_reporter(settings, capture(echoed, out));
  StepResult result;
  result.attempts.push_back(AttemptRecord{});
  result.verdict.ok = true;
  result.deployment_url = "https://abc123.lab-site.pages.dev";
  result.pages.alias_url = "https://feature-x.lab-site.pages.dev";
  reporter->report_step(result, {"wrangler", "pages", "deploy", "dist"});
  if (old_summary) {
    setenv("GITHUB_STEP_SUMMARY", old_summary->c_str(), 1);
  } else {
    unsetenv("GITHUB_STEP_SUMMARY");
  }
  std::ifstream file(path);
  std::string markdown((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::remove(path);
  EXPECT_NE(markdown.find("- Alias: <https://feature-x.lab-site.pages.dev>\n"), std::string::npos)
      << markdown;
}

}  // namespace
}  // namespace cfdeploy
