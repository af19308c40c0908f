// The command line as users meet it: the built binary run as a child process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

using testing::CommandResult;
using testing::run_cfdeploy;

const std::string k_incident =
    "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/***/d1/database/***) failed. "
    "The given account is not valid or is not authorized to access this service [code: 7403]\n";

nlohmann::json parse_json(const CommandResult& result) { return nlohmann::json::parse(result.out); }

TEST(Cli, ExplainJsonForTheIncidentLineOnStandardInput) {
  CommandResult result = run_cfdeploy({"explain", "--format", "json", "-"}, k_incident);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json json = parse_json(result);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["class"], "authorization");
  EXPECT_EQ(json["code"], 7403);
  EXPECT_EQ(json["evidence"]["line"], 1);
}

TEST(Cli, ExplainFailedNeverAnswersOk) {
  const std::string log = "Uploaded lab-worker (0.19 sec)\n";
  CommandResult plain = run_cfdeploy({"explain", "--format", "json", "-"}, log);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(parse_json(plain)["ok"], true);

  CommandResult failed = run_cfdeploy({"explain", "--failed", "--format", "json", "-"}, log);
  ASSERT_EQ(failed.exit_code, 0) << failed.err;
  nlohmann::json json = parse_json(failed);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["class"], "unknown");
  EXPECT_EQ(json["evidence"]["text"], "Uploaded lab-worker (0.19 sec)");
}

TEST(Cli, ExplainFailedStillNamesARecognisedCause) {
  CommandResult result = run_cfdeploy({"explain", "--failed", "--format", "json", "-"}, k_incident);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(parse_json(result)["class"], "authorization");
}

TEST(Cli, ExplainJsonForARecorded10000Box) {
  std::string log = testing::wrangler_fixture("deploy-upload-10000");
  CommandResult result = run_cfdeploy({"explain", "--format=json"}, log);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json json = parse_json(result);
  EXPECT_EQ(json["class"], "authentication");
  EXPECT_EQ(json["code"], 10000);
}

TEST(Cli, ExplainReadsAFileAndReportsSuccess) {
  CommandResult result =
      run_cfdeploy({"explain", "--format", "json",
                    testing::source_path("tests/fixtures/wrangler/d1-apply-ok.log")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json json = parse_json(result);
  EXPECT_EQ(json["ok"], true);
  EXPECT_TRUE(json["class"].is_null());
}

TEST(Cli, ExplainTextIsUncolouredWhenPiped) {
  CommandResult result = run_cfdeploy({"explain", "-"}, k_incident);
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("How to fix it:"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos);
}

TEST(Cli, AnUnreadableLogExitsOneAndNamesIt) {
  CommandResult result = run_cfdeploy({"explain", "/nonexistent/ci.log"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cfdeploy: error: cannot open log '/nonexistent/ci.log'"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(Cli, ABadFormatIsAUsageError) {
  CommandResult result = run_cfdeploy({"explain", "--format", "yaml", "-"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--format"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("cfdeploy --help"), std::string::npos);
}

TEST(Cli, AnUnknownCommandIsAUsageError) {
  CommandResult result = run_cfdeploy({"explode"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("explode"), std::string::npos) << result.err;
}

TEST(Cli, NoCommandIsAUsageError) { EXPECT_EQ(run_cfdeploy({}).exit_code, 2); }

TEST(Cli, AnUnknownOptionIsNamedAsUnknown) {
  struct Case {
    std::vector<std::string> args;
    std::string unknown;
  };
  for (const Case& c :
       {Case{{"--bogus"}, "--bogus"}, Case{{"--bogus", "codes"}, "--bogus"},
        Case{{"codes", "--bogus"}, "--bogus"}, Case{{"explain", "-x", "-"}, "-x"}}) {
    CommandResult result = run_cfdeploy(c.args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("cfdeploy: error: unknown option '" + c.unknown + "'"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find("A subcommand is required"), std::string::npos) << result.err;
  }
}

TEST(Cli, PagesNamesASiteDirectoryThatIsNotThere) {
  CommandResult result = run_cfdeploy({"pages", "/nonexistent/dist", "--project-name", "site"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("the site directory '/nonexistent/dist' is not a directory"),
            std::string::npos)
      << result.err;
}

TEST(Cli, PagesNeedsAProjectName) {
  CommandResult missing = run_cfdeploy({"pages", "."});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--project-name is required"), std::string::npos) << missing.err;
  CommandResult blank = run_cfdeploy({"pages", ".", "--project-name", " "});
  EXPECT_EQ(blank.exit_code, 2);
  EXPECT_NE(blank.err.find("the project name is empty"), std::string::npos) << blank.err;
}

// Wrangler's own options after -- are passed on; before it they are cfdeploy's.
TEST(Cli, PagesPointsWranglersOptionsAfterTheSeparator) {
  CommandResult result = run_cfdeploy({"pages", ".", "--project-name", "site", "--skip-caching"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("wrangler's own options go after --"), std::string::npos) << result.err;
}

TEST(Cli, HelpExitsZero) {
  CommandResult result = run_cfdeploy({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("explain"), std::string::npos);
  EXPECT_NE(result.out.find("pages"), std::string::npos);
}

TEST(Cli, VersionNamesTheVersionAndCommit) {
  CommandResult result = run_cfdeploy({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("cfdeploy 0.1.0 (commit "), std::string::npos) << result.out;
}

TEST(Cli, CodesJsonListsTheCatalogue) {
  CommandResult result = run_cfdeploy({"codes", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_GE(parse_json(result)["entries"].size(), 40u);
}

TEST(Cli, CodesMarkdownIsTheCommittedDoc) {
  CommandResult result = run_cfdeploy({"codes", "--format", "md"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.out == testing::read_source_file("docs/errors.md"));
}

TEST(Cli, RestoreNeedsABookmarkOrATimestamp) {
  CommandResult result = run_cfdeploy({"restore", "lab-db"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("restore needs one of --bookmark B"), std::string::npos) << result.err;
}

TEST(Cli, RestoreRefusesABookmarkAndATimestampTogether) {
  CommandResult result =
      run_cfdeploy({"restore", "lab-db", "--bookmark", "b-1", "--timestamp", "1700000000"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("excludes"), std::string::npos) << result.err;
}

TEST(Cli, RestoreRefusesABookmarkOfAnotherForm) {
  CommandResult result = run_cfdeploy({"restore", "lab-db", "--bookmark", "b;1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("is not a D1 bookmark"), std::string::npos) << result.err;
  // The message names every character a bookmark may hold, '_' too (is_bookmark).
  EXPECT_NE(result.err.find("letters, digits, '-' and '_' only"), std::string::npos) << result.err;
}
}  // namespace
}  // namespace cfdeploy
