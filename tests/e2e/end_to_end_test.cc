// End to end: the built cfdeploy supervising the real wrangler (pinned in
// tests/wrangler) against the fake Cloudflare API on loopback. Each test runs
// in a scratch copy of tests/fixtures/project with its own HOME and caches.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_cloudflare.h"
#include "support/fixtures.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::FakeCloudflare;
using testing::source_path;

constexpr const char* k_token = "e2e-token-that-must-never-leak-0123456789";
constexpr const char* k_account = "0123456789abcdef0123456789abcdef";
// The start of wrangler's red error header, as it prints it even in CI.
constexpr const char* k_raw_error_header = "\x1b[31m\xE2\x9C\x98 \x1b[41;31m[\x1b[41;97mERROR";

struct StepRun {
  CommandResult result;
  nlohmann::json report;
};

// A loopback port with nothing listening on it.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class EndToEnd : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(wrangler()))
        << "wrangler is not installed: run script/bootstrap (npm ci in tests/wrangler)";
    char dir[] = "/tmp/cfdeploy-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    m_dir = dir;
    fs::copy(source_path("tests/fixtures/project"), project(), fs::copy_options::recursive);
    for (const char* sub : {"home/.config", "cache", "tmp"}) {
      fs::create_directories(m_dir / sub);
    }
  }

  void TearDown() override {
    if (m_fake) {
      m_fake->stop();
    }
    fs::remove_all(m_dir);
  }

  static std::string wrangler() { return source_path("tests/wrangler/node_modules/.bin/wrangler"); }
  fs::path project() const { return m_dir / "project"; }

  void add_broken_migration() {
    fs::copy(source_path("tests/fixtures/project-broken"), project(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  void start_fake(const std::string& scenario) {
    m_fake = std::make_unique<FakeCloudflare>(
        testing::load_scenario_file(source_path("tests/fixtures/scenarios/" + scenario + ".json")));
    m_fake->start();
    m_base_url = m_fake->base_url();
  }

  void point_at_closed_port() {
    m_base_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/client/v4";
  }

  std::vector<std::string> environment() const {
    std::string home = (m_dir / "home").string();
    std::vector<std::string> env = {
        "PATH=" + std::string(CFDEPLOY_NODE_DIR) + ":/usr/bin:/bin",
        "HOME=" + home,
        "XDG_CONFIG_HOME=" + home + "/.config",
        "CLOUDFLARE_API_BASE_URL=" + m_base_url,
        "CLOUDFLARE_ACCOUNT_ID=" + std::string(k_account),
        "CI=true",
        "WRANGLER_SEND_METRICS=false",
        "WRANGLER_SEND_ERROR_REPORTS=false",
        "CLOUDFLARE_CF_FETCH_ENABLED=false",
        "WRANGLER_CACHE_DIR=" + (m_dir / "cache").string(),
        "WRANGLER_LOG_PATH=" + (m_dir / "wrangler.log").string(),
        "TMPDIR=" + (m_dir / "tmp").string(),
        // wrangler's update check goes to the fake, never off the machine.
        "npm_registry=" + m_base_url.substr(0, m_base_url.find("/client/v4")) + "/npm-registry/",
    };
    if (m_with_token) {
      env.push_back("CLOUDFLARE_API_TOKEN=" + std::string(k_token));
    }
    if (!m_with_account_id) {
      std::erase_if(env,
                    [](const std::string& e) { return e.starts_with("CLOUDFLARE_ACCOUNT_ID="); });
    }
    if (m_on_github) {
      for (const char* variable : {"GITHUB_ACTIONS=true", "GITHUB_SERVER_URL=https://github.com",
                                   "GITHUB_REPOSITORY=acme/notes", "GITHUB_RUN_ID=42"}) {
        env.emplace_back(variable);
      }
      env.push_back("GITHUB_STEP_SUMMARY=" + summary_path());
      env.push_back("GITHUB_OUTPUT=" + (m_dir / "github-output").string());
      env.push_back("GITHUB_WORKSPACE=" + project().string());
    }
    return env;
  }

  StepRun cfdeploy(std::vector<std::string> args, bool expect_report = true) {
    std::string report = (m_dir / "report.json").string();
    args.insert(args.end(), {"--wrangler", wrangler(), "-C", project().string(), "--report", report,
                             "--retry-delay-ms", "50"});
    testing::ProcessSpec spec;
    spec.argv = {CFDEPLOY_BINARY};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = environment();
    StepRun run;
    run.result = testing::run_process(spec);
    std::ifstream in(report);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str().find(k_token), std::string::npos) << "the token leaked into the report";
    // On a runner the token's only place is the mask that hides it.
    std::string out = run.result.out;
    std::string mask = "::add-mask::" + std::string(k_token) + "\n";
    for (size_t at = out.find(mask); m_on_github && at != std::string::npos; at = out.find(mask)) {
      out.erase(at, mask.size());
    }
    EXPECT_EQ(out.find(k_token), std::string::npos) << "the token leaked to stdout";
    EXPECT_EQ(summary().find(k_token), std::string::npos) << "the token leaked to the summary";
    EXPECT_EQ(run.result.err.find(k_token), std::string::npos) << "the token leaked to stderr";
    run.report = nlohmann::json::parse(text.str(), nullptr, false);
    EXPECT_EQ(run.report.is_discarded(), !expect_report) << "stderr:\n" << run.result.err;
    return run;
  }

  size_t requests_to(const std::string& path_part) const {
    size_t count = 0;
    for (const auto& request : m_fake->requests()) {
      count += request.path.find(path_part) != std::string::npos ? 1 : 0;
    }
    return count;
  }

  std::string summary_path() const { return (m_dir / "summary.md").string(); }

  std::string summary() const {
    std::ifstream in(summary_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // `git apply --check` of `diff` in a repository made of the project as it is.
  int git_apply_check(const std::string& diff) const {
    std::string patch = (m_dir / "fix.patch").string();
    std::ofstream(patch) << diff;
    testing::ProcessSpec init{
        {"/usr/bin/git", "-C", project().string(), "init", "-q"}, {}, {}, "", ""};
    EXPECT_EQ(testing::run_process(init).exit_code, 0);
    testing::ProcessSpec check{
        {"/usr/bin/git", "-C", project().string(), "apply", "--check", patch}, {}, {}, "", ""};
    testing::CommandResult result = testing::run_process(check);
    EXPECT_EQ(result.err, "");
    return result.exit_code;
  }

  // The requests the fake saw, as "METHOD path".
  std::vector<std::string> requests_seen() const {
    std::vector<std::string> seen;
    for (const auto& request : m_fake->requests()) {
      seen.push_back(request.method + " " + request.path);
    }
    return seen;
  }

  fs::path m_dir;
  std::unique_ptr<FakeCloudflare> m_fake;
  std::string m_base_url;
  bool m_with_token = true;
  bool m_with_account_id = true;
  bool m_on_github = false;
};

void expect_failure(const StepRun& run, const char* failure_class, nlohmann::json code,
                    size_t attempts) {
  EXPECT_EQ(run.report["outcome"], "failure");
  EXPECT_EQ(run.report["class"], failure_class) << run.result.err;
  EXPECT_EQ(run.report["code"], code);
  EXPECT_EQ(run.report["attempts"].size(), attempts);
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_EQ(run.report["exit_code"], 1);
}

using MigrateEndToEnd = EndToEnd;
using DeployEndToEnd = EndToEnd;

TEST_F(MigrateEndToEnd, SucceedsAndCountsTheAppliedMigrations) {
  start_fake("d1-apply-ok");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["outcome"], "success");
  EXPECT_EQ(run.report["ok"], true);
  EXPECT_EQ(run.report["migrations_applied"], 2);
  EXPECT_EQ(run.report["attempts"].size(), 1u);
  // wrangler's own output reached our stdout, names containing "7403" included.
  EXPECT_NE(run.result.out.find("0002_audit_7403_authentication_error.sql"), std::string::npos);
  EXPECT_EQ(requests_to("/query"), 4u);
}

TEST_F(MigrateEndToEnd, AD1PermissionErrorMakesExactlyOneAttempt) {
  start_fake("d1-apply-7403");
  StepRun run = cfdeploy({"migrate", "lab-db", "--retries", "3"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["id"], "d1-permission-denied");
  EXPECT_EQ(requests_to("/query"), 1u);
  // The child's error box passed through with its bytes intact.
  EXPECT_NE(run.result.err.find(k_raw_error_header), std::string::npos);
  EXPECT_NE(run.result.err.find("  The given account is not valid or is not authorized to access "
                                "this service [code: 7403]\n"),
            std::string::npos);
  EXPECT_NE(run.result.err.find("Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"), std::string::npos);
}

TEST_F(MigrateEndToEnd, AnAuthenticationErrorWith403IsNotRetried) {
  start_fake("d1-apply-10000");
  expect_failure(cfdeploy({"migrate", "lab-db"}), "authentication", 10000, 1);
  EXPECT_EQ(requests_to("/query"), 1u);
}

TEST_F(MigrateEndToEnd, A10000IsToldApartByVerifyingTheToken) {
  start_fake("d1-apply-10000");  // the token verifies as active
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authentication", 10000, 1);
  EXPECT_NE(run.report["token_check"].get<std::string>().find("valid and active, so the 10000 "
                                                              "means it lacks a permission"),
            std::string::npos);
  EXPECT_NE(run.result.err.find("cfdeploy: token check: The token is valid and active"),
            std::string::npos);
}

TEST_F(MigrateEndToEnd, PreflightStopsA7403BeforeWranglerStarts) {
  start_fake("preflight-d1-7403");
  StepRun run = cfdeploy({"migrate", "lab-db", "--preflight"}, /*expect_report=*/false);
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_NE(run.result.err.find("Preflight FAILED"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"), std::string::npos);
  EXPECT_EQ(run.result.out.find("wrangler 4.86.0"), std::string::npos) << "wrangler ran";
  // The only query is preflight's read-only probe.
  size_t queries = 0;
  for (const auto& request : m_fake->requests()) {
    if (request.path.find("/query") != std::string::npos) {
      ++queries;
      EXPECT_NE(request.body.find("SELECT 1"), std::string::npos) << request.body;
    }
  }
  EXPECT_EQ(queries, 1u);
}

TEST_F(MigrateEndToEnd, AnAuthenticationErrorWith400IsNotRetried) {
  start_fake("d1-apply-10000-400");
  expect_failure(cfdeploy({"migrate", "lab-db"}), "authentication", 10000, 1);
}

TEST_F(MigrateEndToEnd, ARateLimitIsRetried) {
  start_fake("d1-apply-429-971");
  expect_failure(cfdeploy({"migrate", "lab-db", "--retries", "1"}), "rate_limit", 971, 2);
  EXPECT_EQ(requests_to("/query"), 2u);
}

TEST_F(MigrateEndToEnd, AnEdgeRateLimitWithATextBodyIsRetried) {
  start_fake("d1-apply-429-text-1015");
  StepRun run = cfdeploy({"migrate", "lab-db", "--retries", "1"});
  expect_failure(run, "rate_limit", nullptr, 2);
  EXPECT_EQ(run.report["http_status"], 429);
}

TEST_F(MigrateEndToEnd, AServerErrorIsRetriedUntilTheRetriesRunOut) {
  start_fake("d1-apply-500-10013");
  StepRun run = cfdeploy({"migrate", "lab-db", "--retries", "2"});
  expect_failure(run, "transient", 10013, 3);
  EXPECT_EQ(requests_to("/query"), 3u);
  for (const auto& attempt : run.report["attempts"]) {
    EXPECT_EQ(attempt["code"], 10013);
    EXPECT_EQ(attempt["exit_status"], 1);
  }
}

TEST_F(MigrateEndToEnd, AServerErrorThenSuccessSucceedsOnTheRetry) {
  start_fake("d1-apply-500-then-ok");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["outcome"], "success");
  ASSERT_EQ(run.report["attempts"].size(), 2u);
  EXPECT_EQ(run.report["attempts"][0]["class"], "transient");
  EXPECT_TRUE(run.report["attempts"][1]["class"].is_null());
}

TEST_F(MigrateEndToEnd, ABadGatewayHtmlPageIsTransient) {
  start_fake("d1-apply-502-html");
  StepRun run = cfdeploy({"migrate", "lab-db", "--retries", "0"});
  expect_failure(run, "transient", nullptr, 1);
  EXPECT_EQ(run.report["http_status"], 502);
}

TEST_F(MigrateEndToEnd, ARefusedConnectionIsANetworkFailure) {
  point_at_closed_port();
  expect_failure(cfdeploy({"migrate", "lab-db", "--retries", "1"}), "network", nullptr, 2);
}

TEST_F(MigrateEndToEnd, AMissingTokenIsAnAuthenticationFailureBeforeAnyRequest) {
  start_fake("d1-apply-ok");
  m_with_token = false;
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authentication", nullptr, 1);
  EXPECT_EQ(run.report["id"], "auth-token-missing");
  EXPECT_EQ(requests_to("/accounts/"), 0u);
}

TEST_F(MigrateEndToEnd, ARemoteSqlErrorNamesTheMigration) {
  add_broken_migration();
  start_fake("d1-apply-remote-sql-error");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "migration_sql", 7500, 1);
  EXPECT_EQ(run.report["migration"], "0003_broken.sql");
}

TEST_F(MigrateEndToEnd, CheckLocalStopsABrokenMigrationBeforeTheRemoteDatabase) {
  add_broken_migration();
  start_fake("d1-apply-ok");
  StepRun run = cfdeploy({"migrate", "lab-db", "--check-local"});
  expect_failure(run, "migration_sql", nullptr, 1);
  EXPECT_EQ(run.report["migration"], "0003_broken.sql");
  EXPECT_EQ(requests_to("/query"), 0u);
  EXPECT_NE(run.result.err.find("remote database was not touched"), std::string::npos);
}

TEST_F(MigrateEndToEnd, CheckLocalThenAppliesGoodMigrationsRemotely) {
  start_fake("d1-apply-ok");
  StepRun run = cfdeploy({"migrate", "lab-db", "--check-local"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(requests_to("/query"), 4u);
}

TEST_F(DeployEndToEnd, SucceedsAndReportsTheDeploymentUrl) {
  start_fake("deploy-ok");
  StepRun run = cfdeploy({"deploy"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["deployment_url"], "https://lab-worker.lab-sub.workers.dev");
  EXPECT_NE(run.result.err.find("deployed to https://lab-worker.lab-sub.workers.dev"),
            std::string::npos);
}

TEST_F(DeployEndToEnd, AnUploadPermissionErrorMakesOneAttempt) {
  start_fake("deploy-upload-7403");
  StepRun run = cfdeploy({"deploy"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["id"], "workers-permission-denied");
}

TEST_F(DeployEndToEnd, AnUploadAuthenticationErrorMakesOneAttempt) {
  start_fake("deploy-upload-10000");
  expect_failure(cfdeploy({"deploy"}), "authentication", 10000, 1);
}

TEST_F(DeployEndToEnd, WranglersOwnRetryOfAServerErrorIsASuccess) {
  start_fake("deploy-upload-500-then-ok");
  StepRun run = cfdeploy({"deploy"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["attempts"].size(), 1u);
}

// The diagnosis after a failure: one test per row of docs/cli.md's table, each with the fake
// answering the follow-up requests as the API would.

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string conclusion_of(const StepRun& run) {
  const nlohmann::json& diagnosis = run.report["diagnosis"];
  return diagnosis.is_object() ? diagnosis["conclusion"].get<std::string>() : "";
}

// Nothing the diagnosis asks changes anything: only wrangler's own query is a POST.
void expect_one_query(const std::vector<std::string>& seen) {
  size_t posts = 0;
  for (const std::string& request : seen) {
    posts += request.starts_with("POST ") ? 1 : 0;
  }
  EXPECT_EQ(posts, 1u);
}

// The fenced diff block of a job summary.
std::string summary_diff(const std::string& summary) {
  size_t start = summary.find("```diff\n");
  if (start == std::string::npos) {
    return "";
  }
  start += 8;
  return summary.substr(start, summary.find("```", start) - start);
}

TEST_F(MigrateEndToEnd, A10000WithAnExpiredTokenSaysWhenItExpired) {
  start_fake("diagnose-10000-expired");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authentication", 10000, 1);
  EXPECT_EQ(run.report["diagnosis"]["kind"], "credential");
  EXPECT_EQ(conclusion_of(run),
            "The token expired on 2026-01-31T00:00:00Z: that is why Cloudflare refused it.");
  EXPECT_TRUE(has(run.result.err, "cfdeploy: diagnosis: The token expired on 2026-01-31"))
      << run.result.err;
}

TEST_F(MigrateEndToEnd, A10000WithAValidTokenThatReachesTheAccountLacksAPermission) {
  start_fake("diagnose-10000-valid");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authentication", 10000, 1);
  EXPECT_TRUE(has(conclusion_of(run), std::string("The token is valid and reaches account ") +
                                          k_account +
                                          " ('Lab Account'), so it is missing a permission"))
      << conclusion_of(run);
  EXPECT_FALSE(run.report["diagnosis"]["could_not_check"]);
  expect_one_query(requests_seen());
}

TEST_F(MigrateEndToEnd, A7403OnD1WithAValidTokenStatesTheCauseAndLinksTheToken) {
  m_on_github = true;
  start_fake("diagnose-d1-7403");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authorization", 7403, 1);
  std::string cause = std::string("The token is valid and reaches account ") + k_account +
                      " ('Lab Account'); database 'lab-db' "
                      "(00000000-0000-4000-8000-000000000001) exists there; so the token lacks "
                      "Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit on this account.";
  EXPECT_EQ(conclusion_of(run), cause);
  EXPECT_EQ(run.report["diagnosis"]["kind"], "d1_access");
  std::vector<std::string> ids;
  for (const auto& check : run.report["diagnosis"]["checks"]) {
    ids.push_back(check["id"].get<std::string>() + "=" + check["status"].get<std::string>());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"token-valid=pass", "account=pass",
                                           "d1-database:lab-db=pass"}));
  expect_one_query(requests_seen());
  // The summary states the cause, and its token link is the template with D1 Edit.
  std::string markdown = summary();
  EXPECT_TRUE(has(markdown, "### Diagnosis\n")) << markdown;
  EXPECT_TRUE(has(markdown,
                  "database \\'lab\\-db\\' \\(00000000\\-0000\\-4000\\-8000\\-000000000001\\) "
                  "exists there\\; so the token lacks Account \xE2\x80\xBA D1 \xE2\x80\xBA "
                  "Edit on this account"))
      << markdown;
  EXPECT_TRUE(has(markdown,
                  "(https://dash.cloudflare.com/profile/api-tokens?permissionGroupKeys="
                  "%5B%7B%22key%22%3A%22d1%22%2C%22type%22%3A%22edit%22%7D%5D&accountId=*&"
                  "zoneId=all&name=cfdeploy%20acme%2Fnotes)"))
      << markdown;
  EXPECT_TRUE(has(run.result.out, "%0A%0ADiagnosis: The token is valid and reaches account"))
      << run.result.out;
}

TEST_F(MigrateEndToEnd, ADiagnosisTheApiCannotAnswerSaysCouldNotCheckAndKeepsTheGuidance) {
  start_fake("diagnose-d1-7403-api-down");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["diagnosis"]["could_not_check"], true);
  EXPECT_TRUE(conclusion_of(run).starts_with("Could not check the token (")) << conclusion_of(run);
  EXPECT_FALSE(run.report["guidance"].empty());
  EXPECT_TRUE(has(run.result.err, "cfdeploy: how to fix it:\n  1. Give the token"));
}

TEST_F(MigrateEndToEnd, AStaleDatabaseIdGetsTheReplacementLineAndADiffThatApplies) {
  m_on_github = true;
  start_fake("diagnose-d1-stale-id");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "not_found", 7404, 1);
  const std::string right = "database_id = \"22222222-3333-4444-5555-666666666666\"";
  EXPECT_TRUE(has(conclusion_of(run), "database_id at wrangler.toml:8 is stale"))
      << conclusion_of(run);
  ASSERT_FALSE(run.report["fixes"].empty());
  const nlohmann::json& fix = run.report["fixes"][0];
  EXPECT_EQ(fix["kind"], "config");
  EXPECT_EQ(fix["file"], "wrangler.toml");
  EXPECT_EQ(fix["line"], 8);
  EXPECT_EQ(fix["replacement"], right);
  EXPECT_TRUE(has(run.result.out,
                  "::warning title=cfdeploy%3A change this line,file=wrangler.toml,line=8::"
                  "Replace this line with:%0A" +
                      right))
      << run.result.out;
  std::string diff = summary_diff(summary());
  ASSERT_FALSE(diff.empty()) << summary();
  EXPECT_EQ(git_apply_check(diff), 0) << diff;
}

TEST_F(MigrateEndToEnd, ADatabaseNotInTheConfigurationListsTheAccountsDatabases) {
  start_fake("diagnose-d1-not-in-config");
  StepRun run = cfdeploy({"migrate", "notes-db"});
  expect_failure(run, "config", nullptr, 1);
  EXPECT_EQ(conclusion_of(run), std::string("The D1 databases in account ") + k_account +
                                    " ('Lab Account') are: 'lab-db' "
                                    "(00000000-0000-4000-8000-000000000001), 'notes-db' "
                                    "(22222222-3333-4444-5555-666666666666).");
}

TEST_F(MigrateEndToEnd, AnUnroutableAccountGetsTheOneTheTokenReachesAtTheAccountIdLine) {
  std::string config = (project() / "wrangler.toml").string();
  std::string text = testing::read_whole_file(config);
  text.replace(text.find("\n\n[[d1_databases]]"), 2,
               std::string("\naccount_id = \"") + k_account + "\"\n");
  std::ofstream(config, std::ios::trunc) << text;
  start_fake("diagnose-account-7003");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "account", 7003, 1);
  EXPECT_TRUE(has(conclusion_of(run),
                  "The token reaches 1 account: 'Other Account' "
                  "(fedcba9876543210fedcba9876543210)."))
      << conclusion_of(run);
  const nlohmann::json& fix = run.report["fixes"][0];
  EXPECT_EQ(fix["kind"], "config");
  EXPECT_EQ(fix["line"], 4);
  EXPECT_EQ(fix["replacement"], "account_id = \"fedcba9876543210fedcba9876543210\"");
}

TEST_F(MigrateEndToEnd, MoreThanOneAccountListsThemByNameAndId) {
  m_with_account_id = false;
  start_fake("diagnose-more-than-one-account");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "account", nullptr, 1);
  EXPECT_EQ(run.report["id"], "account-multiple-accounts");
  EXPECT_TRUE(has(conclusion_of(run), std::string("The token reaches 2 accounts: 'Lab Account' (") +
                                          k_account +
                                          "), 'Other Account' (fedcba9876543210fedcba9876543210). "
                                          "No account id is set"))
      << conclusion_of(run);
}

TEST_F(MigrateEndToEnd, ALocalFailureAsksTheApiNothing) {
  start_fake("d1-apply-ok");
  StepRun run = cfdeploy({"migrate", "notes-db", "--local"});
  expect_failure(run, "config", nullptr, 1);
  EXPECT_TRUE(run.report["diagnosis"].is_null());
  EXPECT_EQ(requests_to("/accounts/"), 0u);
  EXPECT_EQ(requests_to("/tokens/verify"), 0u);
}

TEST_F(MigrateEndToEnd, ASuccessAsksNothingAfterwards) {
  start_fake("d1-apply-ok");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_TRUE(run.report["diagnosis"].is_null());
  for (const std::string& request : requests_seen()) {
    EXPECT_FALSE(has(request, "/tokens/verify")) << request;
  }
}

}  // namespace
}  // namespace cfdeploy
