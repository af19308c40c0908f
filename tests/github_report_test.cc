#include "github_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "support/findings.h"
#include "support/fixtures.h"

namespace cfdeploy {
namespace {

namespace fs = std::filesystem;
using testing::finding_for;

Verdict d1_7403() {
  Verdict verdict;
  verdict.ok = false;
  verdict.primary = finding_for(7403, "/accounts/a/d1/database/b/query",
                                "The given account is not valid or is not authorized [code: 7403]");
  return verdict;
}

void counting_bytes(unsigned char* bytes, size_t size) {
  static unsigned char next = 0;
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = next++;
  }
}

// The runner's GITHUB_OUTPUT reader (FileCommandManager.cs), for heredoc entries.
std::map<std::string, std::string> parse_output_file(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t heredoc = line.find("<<");
    if (line.empty() || heredoc == std::string::npos) {
      continue;
    }
    std::string name = line.substr(0, heredoc);
    std::string delimiter = line.substr(heredoc + 2);
    std::string value;
    bool first = true;
    bool closed = false;
    while (std::getline(in, line)) {
      if (line == delimiter) {
        closed = true;
        break;
      }
      value += (first ? "" : "\n") + line;
      first = false;
    }
    EXPECT_TRUE(closed) << "Matching delimiter not found '" << delimiter << "'";
    values[name] = value;
  }
  return values;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char dir[] = "/tmp/cfdeploy-gh-XXXXXX";
    path = mkdtemp(dir);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(GithubReport, ThePrimaryFailureIsOneErrorWithTheFix) {
  std::vector<Annotation> annotations = build_annotations(d1_7403(), {});
  ASSERT_EQ(annotations.size(), 1u);
  EXPECT_EQ(annotations[0].level, AnnotationLevel::error);
  EXPECT_EQ(annotations[0].title, "cfdeploy: authorization error (code 7403)");
  EXPECT_NE(annotations[0].message.find("Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"),
            std::string::npos);
  EXPECT_NE(annotations[0].message.find("How to fix it:\n1. "), std::string::npos);
}

TEST(GithubReport, OtherErrorsAreWarningsWithinTheRunnersLimit) {
  Verdict verdict = d1_7403();
  for (int i = 0; i < 30; ++i) {
    verdict.others.push_back(*verdict.primary);
  }
  std::vector<Annotation> annotations = build_annotations(verdict, {});
  ASSERT_EQ(annotations.size(), 1 + k_max_annotations_per_level);
  EXPECT_EQ(annotations.back().level, AnnotationLevel::warning);
  EXPECT_NE(annotations.back().message.find("21 more errors"), std::string::npos);
}

TEST(GithubReport, SuccessHasNoAnnotations) {
  EXPECT_TRUE(build_annotations(Verdict{}, {}).empty());
}

TEST(GithubReport, OutputsFollowTheVerdict) {
  StepOutputs outputs = outputs_for(d1_7403());
  EXPECT_EQ(outputs.outcome, "failure");
  EXPECT_EQ(outputs.error_class, "authorization");
  EXPECT_EQ(outputs.error_code, "7403");
  EXPECT_FALSE(outputs.retryable);
  EXPECT_EQ(outputs_for(Verdict{}).outcome, "success");
}

TEST(GithubReport, MasksThenStopsCommandsAroundTheChildsOutput) {
  std::ostringstream out;
  GithubReporter reporter(out, "", "", counting_bytes);
  reporter.start_child_output({"secret-token"});
  out << "::error::from the child";  // no newline at the end
  reporter.observe(Stream::out, "::error::from the child");
  reporter.finish_child_output();
  std::string text = out.str();
  ASSERT_EQ(text.rfind("::add-mask::secret-token\n::stop-commands::", 0), 0u) << text;
  std::string token = text.substr(text.find("::stop-commands::") + 17, 32);
  EXPECT_NE(text.find("from the child\n::" + token + "::\n"), std::string::npos) << text;
}

TEST(GithubReport, QuotedTextGetsAStopCommandsWindowOfItsOwn) {
  std::ostringstream out;
  GithubReporter reporter(out, "", "", counting_bytes);
  reporter.print_quoted("::error::quoted from a log", {"secret-token"});
  std::string text = out.str();
  ASSERT_EQ(text.rfind("::add-mask::secret-token\n::stop-commands::", 0), 0u) << text;
  std::string token = text.substr(text.find("::stop-commands::") + 17, 32);
  EXPECT_NE(text.find("\n::error::quoted from a log\n::" + token + "::\n"), std::string::npos)
      << text;
}

TEST(GithubReport, WritesOutputsTheRunnerCanReadAndASummary) {
  TempDir dir;
  std::string output_path = (dir.path / "output").string();
  std::string summary_path = (dir.path / "summary").string();
  std::ofstream(output_path) << "earlier=1\n";
  std::ostringstream out;
  GithubReporter reporter(out, output_path, summary_path, counting_bytes);
  Verdict verdict = d1_7403();
  SummaryInput summary{
      "wrangler d1 migrations apply DB --remote", &verdict, 1, {}, 1, "", "4.86.0", "", {}, {}};
  StepOutputs outputs = outputs_for(verdict);
  outputs.attempts = 1;
  outputs.exit_code = 1;
  outputs.report_path = "/tmp/report.json";
  reporter.report(summary, outputs, {});
  std::map<std::string, std::string> values =
      parse_output_file(testing::read_whole_file(output_path));
  EXPECT_EQ(values["outcome"], "failure");
  EXPECT_EQ(values["error-class"], "authorization");
  EXPECT_EQ(values["error-code"], "7403");
  EXPECT_EQ(values["retryable"], "false");
  EXPECT_EQ(values["attempts"], "1");
  EXPECT_EQ(values["exit-code"], "1");
  EXPECT_EQ(values["deployment-url"], "");
  EXPECT_EQ(values["version-id"], "");
  EXPECT_EQ(values["pages-deployment-id"], "");
  EXPECT_EQ(values["report"], "/tmp/report.json");
  EXPECT_NE(testing::read_whole_file(summary_path).find("| authorization | 7403 |"),
            std::string::npos);
  EXPECT_EQ(out.str().rfind("::error title=cfdeploy%3A authorization error (code 7403)::", 0), 0u);
}

// wrangler-action's output names, so a workflow that read them keeps working.
TEST(GithubReport, APagesDeploymentWritesWranglerActionsPagesOutputs) {
  TempDir dir;
  std::string output_path = (dir.path / "output").string();
  std::ostringstream out;
  GithubReporter reporter(out, output_path, (dir.path / "summary").string(), counting_bytes);
  Verdict verdict;
  verdict.ok = true;
  SummaryInput summary{"wrangler pages deploy site", &verdict, 1, {}, 0, "", "4.86.0", "", {}, {}};
  StepOutputs outputs = outputs_for(verdict);
  outputs.deployment_url = "https://aaaa.site.pages.dev";
  outputs.pages = {"aaaa", "https://feature-x.site.pages.dev", "preview"};
  reporter.report(summary, outputs, {});
  std::map<std::string, std::string> values =
      parse_output_file(testing::read_whole_file(output_path));
  EXPECT_EQ(values["deployment-url"], "https://aaaa.site.pages.dev");
  EXPECT_EQ(values["pages-deployment-id"], "aaaa");
  EXPECT_EQ(values["pages-deployment-alias-url"], "https://feature-x.site.pages.dev");
  EXPECT_EQ(values["pages-environment"], "preview");
}

TEST(GithubReport, MissingRunnerFilesAreNotAFailure) {
  std::ostringstream out;
  GithubReporter reporter(out, "", "/nonexistent/dir/summary", counting_bytes);
  Verdict verdict = d1_7403();
  SummaryInput summary{"step", &verdict, 1, {}, 1, "", "", "", {}, {}};
  reporter.report(summary, outputs_for(verdict), {});
  EXPECT_NE(out.str().find("::error"), std::string::npos);
}

TEST(GithubReport, AFindingCfdeployMadeItselfSaysWhereItsEvidenceIsFrom) {
  Verdict verdict;
  verdict.ok = false;
  verdict.primary = finding_for(7403, "", "the command exited with status 3");
  verdict.primary->line = 0;
  verdict.primary->origin = "the exit status";
  std::vector<Annotation> annotations = build_annotations(verdict, {});
  ASSERT_EQ(annotations.size(), 1u);
  EXPECT_NE(annotations[0].message.find("Evidence (from the exit status): the command exited"),
            std::string::npos)
      << annotations[0].message;
  EXPECT_EQ(annotations[0].message.find("line 0"), std::string::npos);
}

TEST(GithubReport, AFailedWriteToARunnerFileSaysWhy) {
  std::ostringstream out;
  GithubReporter reporter(out, "/nonexistent/dir/output", "", counting_bytes);
  ::testing::internal::CaptureStderr();
  reporter.write_outputs({{"outcome", "failure"}});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("could not write to GITHUB_OUTPUT ('/nonexistent/dir/output'): "
                     "No such file or directory"),
            std::string::npos)
      << err;
  // A write that fails after the file opened (a full disk) says why too.
  GithubReporter full(out, "/dev/full", "", counting_bytes);
  ::testing::internal::CaptureStderr();
  full.write_outputs({{"outcome", std::string(100000, 'x')}});
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("could not write to GITHUB_OUTPUT ('/dev/full'): No space left on device"),
            std::string::npos)
      << err;
}

TEST(GithubReport, TheDiagnosisJoinsTheErrorAndItsFixIsAWarningAtTheLine) {
  Verdict verdict = d1_7403();
  Diagnosis diagnosis;
  diagnosis.conclusion = "The token is valid and reaches account a; so it lacks D1 Edit.";
  ConfigFix fix;
  fix.where = {"wrangler.toml", 8};
  fix.key = "database_id";
  fix.value = "new-id";
  fix.replacement = "database_id = \"new-id\"";
  diagnosis.config_fix = fix;
  std::vector<Annotation> annotations = build_annotations(verdict, {}, &diagnosis);
  ASSERT_EQ(annotations.size(), 2u);
  const std::string& message = annotations[0].message;
  size_t diagnosed = message.find("\n\nDiagnosis: The token is valid and reaches account a");
  ASSERT_NE(diagnosed, std::string::npos) << message;
  EXPECT_LT(diagnosed, message.find("How to fix it:"));
  EXPECT_EQ(annotations[1].level, AnnotationLevel::warning);
  EXPECT_EQ(annotations[1].file, "wrangler.toml");
  EXPECT_EQ(annotations[1].line, 8);
  EXPECT_EQ(annotations[1].message.rfind("Replace this line with:\ndatabase_id = \"new-id\"\n", 0),
            0u);
}

}  // namespace
}  // namespace cfdeploy
