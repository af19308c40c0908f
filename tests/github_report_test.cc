#include "github_report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
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

TEST(GithubReport, WritesOutputsTheRunnerCanReadAndASummary) {
  TempDir dir;
  std::string output_path = (dir.path / "output").string();
  std::string summary_path = (dir.path / "summary").string();
  std::ofstream(output_path) << "earlier=1\n";
  std::ostringstream out;
  GithubReporter reporter(out, output_path, summary_path, counting_bytes);
  Verdict verdict = d1_7403();
  SummaryInput summary{
      "wrangler d1 migrations apply DB --remote", &verdict, 1, {}, 1, "", "4.86.0", "", {}};
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
  EXPECT_EQ(values["report"], "/tmp/report.json");
  EXPECT_NE(testing::read_whole_file(summary_path).find("| authorization | 7403 |"),
            std::string::npos);
  EXPECT_EQ(out.str().rfind("::error title=cfdeploy%3A authorization error (code 7403)::", 0), 0u);
}

TEST(GithubReport, MissingRunnerFilesAreNotAFailure) {
  std::ostringstream out;
  GithubReporter reporter(out, "", "/nonexistent/dir/summary", counting_bytes);
  Verdict verdict = d1_7403();
  SummaryInput summary{"step", &verdict, 1, {}, 1, "", "", "", {}};
  reporter.report(summary, outputs_for(verdict), {});
  EXPECT_NE(out.str().find("::error"), std::string::npos);
}

TEST(GithubReport, PointsASqlErrorAtItsMigrationFileAndLine) {
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
TEST(GithubReport, AMigrationNameOutsideTheDirectoryPointsNowhere) {
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

TEST(GithubReport, AMigrationNamingAFifoOrADeviceIsNeverOpened) {
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

TEST(GithubReport, AnOffsetPastAnyRealMigrationGivesTheFileWithoutALine) {
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

TEST(GithubReport, PointsConfigAndAccountErrorsAtTheirConfigurationLines) {
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
