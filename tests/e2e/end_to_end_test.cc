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
#include "fake_github.h"
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

// On a runner the token is masked first: the one place it may appear.
std::string without_mask_command(std::string out) {
  const std::string mask = std::string("::add-mask::") + k_token + "\n";
  for (size_t at = out.find(mask); at != std::string::npos; at = out.find(mask)) {
    out.erase(at, mask.size());
  }
  return out;
}

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

// On a runner (--format github) the token's mask command names it; the runner takes that
// line and hides the token everywhere else, so only the rest of the output must not hold it.
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

  // The project becomes a built Pages site in site/, instead of the Worker.
  void use_pages_project() {
    fs::remove_all(project());
    fs::copy(source_path("tests/fixtures/pages-project"), project(), fs::copy_options::recursive);
  }

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
    env.insert(env.end(), m_extra_env.begin(), m_extra_env.end());
    return env;
  }

  // Reports as on a runner, into files the test reads back.
  void report_as_on_github() {
    for (const char* file : {"summary.md", "output.txt"}) {
      std::ofstream(m_dir / file).close();
    }
    m_extra_env = {
        "GITHUB_ACTIONS=true",
        "GITHUB_STEP_SUMMARY=" + (m_dir / "summary.md").string(),
        "GITHUB_OUTPUT=" + (m_dir / "output.txt").string(),
        "GITHUB_SERVER_URL=https://github.com",
        "GITHUB_REPOSITORY=acme/notes",
        "GITHUB_RUN_ID=42",
        "GITHUB_WORKFLOW_REF=acme/notes/.github/workflows/db-migrate.yml@refs/heads/main"};
  }

  std::string runner_file(const char* name) const {
    std::ifstream in(m_dir / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Where the first request whose path holds `path_part` came, in the order the fake saw them.
  size_t first_request_to(const std::string& path_part) const {
    std::vector<testing::RecordedRequest> seen = m_fake->requests();
    for (size_t i = 0; i < seen.size(); ++i) {
      if (seen[i].path.find(path_part) != std::string::npos) {
        return i;
      }
    }
    return seen.size();
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
    EXPECT_EQ(without_mask_command(run.result.out).find(k_token), std::string::npos)
        << "the token leaked to stdout";
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
  std::vector<std::string> m_extra_env;
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
using RestoreEndToEnd = EndToEnd;

constexpr const char* k_bookmark = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
constexpr const char* k_previous = "00000084-00000010-00004c6d-0a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";

class PagesEndToEnd : public EndToEnd {
protected:
  void SetUp() override {
    EndToEnd::SetUp();
    use_pages_project();
  }

  StepRun pages(std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"pages",    "site",     "--project-name",
                                     "lab-site", "--branch", "feature-x"};
    args.insert(args.end(), more.begin(), more.end());
    return cfdeploy(args);
  }

  const testing::RecordedRequest* request_to(const std::string& method,
                                             const std::string& path_end) {
    m_requests = m_fake->requests();
    for (const auto& request : m_requests) {
      if (request.method == method && request.path.size() >= path_end.size() &&
          request.path.compare(request.path.size() - path_end.size(), path_end.size(), path_end) ==
              0) {
        return &request;
      }
    }
    return nullptr;
  }

  std::vector<testing::RecordedRequest> m_requests;
};

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

TEST_F(MigrateEndToEnd, ARefusedTokenWith403IsNotRetried) {
  start_fake("d1-apply-10000");
  expect_failure(cfdeploy({"migrate", "lab-db"}), "authorization", 10000, 1);
  EXPECT_EQ(requests_to("/query"), 1u);
}

TEST_F(MigrateEndToEnd, A10000IsToldApartByVerifyingTheToken) {
  start_fake("d1-apply-10000");  // the token verifies as active
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authorization", 10000, 1);
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

TEST_F(MigrateEndToEnd, ARefusedTokenWith400IsNotRetried) {
  start_fake("d1-apply-10000-400");
  expect_failure(cfdeploy({"migrate", "lab-db"}), "authorization", 10000, 1);
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

TEST_F(MigrateEndToEnd, TakesATimeTravelBookmarkBeforeApplying) {
  start_fake("d1-apply-bookmark");
  report_as_on_github();
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["restore_bookmark"], k_bookmark);
  EXPECT_EQ(requests_to("/time_travel/bookmark"), 1u);
  EXPECT_LT(first_request_to("/time_travel/bookmark"), first_request_to("/query"))
      << "the bookmark is taken before wrangler touches the database";
  EXPECT_NE(runner_file("output.txt").find("restore-bookmark<<"), std::string::npos);
  EXPECT_NE(runner_file("output.txt").find(std::string("\n") + k_bookmark + "\n"),
            std::string::npos);
  std::string summary = runner_file("summary.md");
  EXPECT_NE(summary.find("### Undo this run"), std::string::npos) << summary;
  EXPECT_NE(summary.find(std::string("`wrangler d1 time-travel restore lab-db --bookmark=") +
                         k_bookmark + "`"),
            std::string::npos)
      << summary;
}

TEST_F(MigrateEndToEnd, AFailedThirdMigrationGivesTheRestoreCommand) {
  add_broken_migration();
  start_fake("d1-apply-third-fails");
  report_as_on_github();
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "migration_sql", 7500, 1);
  EXPECT_EQ(run.report["migration"], "0003_broken.sql");
  EXPECT_EQ(run.report["applied_migrations"],
            (nlohmann::json{"0001_create_users.sql", "0002_audit_7403_authentication_error.sql"}));
  EXPECT_EQ(run.report["restore_bookmark"], k_bookmark);
  std::string summary = runner_file("summary.md");
  EXPECT_NE(summary.find("Applied in this run: `0001_create_users.sql`, "
                         "`0002_audit_7403_authentication_error.sql`. Failed: `0003_broken.sql`"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find(std::string("`wrangler d1 time-travel restore lab-db --bookmark=") +
                         k_bookmark + "`"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find(std::string("`cfdeploy restore lab-db --bookmark ") + k_bookmark + "`"),
            std::string::npos);
  EXPECT_NE(summary.find(std::string("`gh workflow run db-migrate.yml -f database=lab-db -f "
                                     "restore-bookmark=") +
                         k_bookmark + "`"),
            std::string::npos)
      << summary;
}

TEST_F(MigrateEndToEnd, WithoutABookmarkTheMigrationStillRunsAndSaysWhy) {
  start_fake("d1-apply-ok");  // the fake has no route for the bookmark: 404, code 7000
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_TRUE(run.report["restore_bookmark"].is_null());
  EXPECT_NE(run.report["restore_bookmark_problem"].get<std::string>().find("404"),
            std::string::npos);
  EXPECT_NE(run.result.err.find("warning: no restore point was recorded for lab-db"),
            std::string::npos)
      << run.result.err;
  EXPECT_EQ(requests_to("/query"), 4u);
}

TEST_F(MigrateEndToEnd, NoBookmarkAsksForNone) {
  start_fake("d1-apply-bookmark");
  StepRun run = cfdeploy({"migrate", "lab-db", "--no-bookmark"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(requests_to("/time_travel/"), 0u);
  EXPECT_FALSE(run.report.contains("restore_bookmark"));
}

TEST_F(MigrateEndToEnd, ALocalRunAsksForNoBookmark) {
  start_fake("d1-apply-bookmark");
  StepRun run = cfdeploy({"migrate", "lab-db", "--local"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(requests_to("/client/v4/"), 0u);
  EXPECT_FALSE(run.report.contains("restore_bookmark"));
}

TEST_F(MigrateEndToEnd, PlanWithNothingPendingExitsZeroAndAppliesNothing) {
  start_fake("d1-list-none");
  report_as_on_github();
  StepRun run = cfdeploy({"migrate", "lab-db", "--plan"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["pending_migrations"], nlohmann::json::array());
  EXPECT_NE(run.report["command"].dump().find("\"list\""), std::string::npos);
  EXPECT_EQ(requests_to("/time_travel/"), 0u);
  EXPECT_NE(runner_file("output.txt").find("pending-migrations<<"), std::string::npos);
  EXPECT_NE(runner_file("summary.md").find("No migrations were pending."), std::string::npos);
}

TEST_F(MigrateEndToEnd, PlanListsTwoPendingMigrationsInOrder) {
  start_fake("d1-list-two");
  report_as_on_github();
  StepRun run = cfdeploy({"migrate", "lab-db", "--plan"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["pending_migrations"],
            (nlohmann::json{"0001_create_users.sql", "0002_audit_7403_authentication_error.sql"}));
  EXPECT_EQ(requests_to("/query"), 2u) << "the plan reads the migrations table only";
  std::string outputs = runner_file("output.txt");
  size_t at = outputs.find("pending-migrations<<");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(outputs.substr(outputs.find('\n', at) + 1, 2), "2\n");
  EXPECT_NE(runner_file("summary.md")
                .find("1. `0001_create_users.sql`\n"
                      "2. `0002_audit_7403_authentication_error.sql`"),
            std::string::npos);
}

TEST_F(MigrateEndToEnd, AnApplyShowsItsPlanFirst) {
  start_fake("d1-apply-bookmark");
  report_as_on_github();
  StepRun run = cfdeploy({"migrate", "lab-db"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["pending_migrations"].size(), 2u);
  std::string summary = runner_file("summary.md");
  EXPECT_LT(summary.find("### Plan"), summary.find("| Class |")) << summary;
}

TEST_F(MigrateEndToEnd, PlanFirstSaysWhenAnotherJobMigratedMeanwhile) {
  start_fake("d1-plan-changed");
  StepRun run = cfdeploy({"migrate", "lab-db", "--plan-first", "--no-bookmark"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["pending_migrations"].size(), 2u);
  EXPECT_EQ(run.report["pending_at_apply"],
            nlohmann::json{"0002_audit_7403_authentication_error.sql"});
  EXPECT_EQ(run.report["plan_changed"], true);
  EXPECT_NE(run.result.err.find("changed between the plan and the apply"), std::string::npos)
      << run.result.err;
}

TEST_F(RestoreEndToEnd, RestoresAndGivesTheBookmarkThatUndoesIt) {
  start_fake("d1-restore-ok");
  report_as_on_github();
  StepRun run = cfdeploy({"restore", "lab-db", "--bookmark", k_bookmark});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["restored_to_bookmark"], k_bookmark);
  EXPECT_EQ(run.report["previous_bookmark"], k_previous);
  ASSERT_EQ(requests_to("/time_travel/restore"), 1u);
  for (const auto& request : m_fake->requests()) {
    if (request.path.find("/time_travel/restore") != std::string::npos) {
      EXPECT_EQ(request.query, std::string("bookmark=") + k_bookmark);
    }
  }
  std::string summary = runner_file("summary.md");
  EXPECT_NE(summary.find("### Undo this restore"), std::string::npos) << summary;
  EXPECT_NE(summary.find(std::string("`wrangler d1 time-travel restore lab-db --bookmark=") +
                         k_previous + "`"),
            std::string::npos)
      << summary;
}

TEST_F(RestoreEndToEnd, ABookmarkTooOldIsAConfigError) {
  start_fake("d1-restore-too-old");
  StepRun run = cfdeploy({"restore", "lab-db", "--bookmark", k_bookmark});
  expect_failure(run, "config", 7510, 1);
  EXPECT_EQ(run.report["id"], "d1-time-travel-too-old");
}

TEST_F(RestoreEndToEnd, A7403IsTheMissingD1EditPermission) {
  start_fake("d1-restore-7403");
  StepRun run = cfdeploy({"restore", "lab-db", "--bookmark", k_bookmark, "--retries", "2"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["id"], "d1-time-travel-permission-denied");
  EXPECT_NE(run.result.err.find("Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"), std::string::npos);
}

TEST_F(DeployEndToEnd, SucceedsAndReportsTheDeploymentUrl) {
  start_fake("deploy-ok");
  StepRun run = cfdeploy({"deploy"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["deployment_url"], "https://lab-worker.lab-sub.workers.dev");
  EXPECT_NE(run.result.err.find("deployed to https://lab-worker.lab-sub.workers.dev"),
            std::string::npos);
}

TEST_F(DeployEndToEnd, IsRecordedAsAGithubDeploymentAndSummarised) {
  start_fake("deploy-ok");
  testing::FakeGithub github;
  const std::string github_token = "ghs_e2e_github_token_0123456789";
  std::string payload = (m_dir / "event.json").string();
  std::string summary = (m_dir / "summary.md").string();
  std::ofstream(payload) << R"({"repository":{"default_branch":"main"}})";
  m_extra_env = {"CFDEPLOY_GITHUB_TOKEN=" + github_token,
                 "GITHUB_API_URL=" + github.api_url(),
                 "GITHUB_REPOSITORY=octo/lab",
                 "GITHUB_SHA=e2e0sha",
                 "GITHUB_REF_NAME=main",
                 "GITHUB_EVENT_NAME=push",
                 "GITHUB_EVENT_PATH=" + payload,
                 "GITHUB_OUTPUT=" + (m_dir / "output").string(),
                 "GITHUB_STEP_SUMMARY=" + summary};
  StepRun run = cfdeploy({"deploy", "--format", "github"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  std::string markdown = testing::read_whole_file(summary);
  for (const std::string& text : {run.result.err, markdown}) {
    EXPECT_EQ(text.find(github_token), std::string::npos);
  }

  std::vector<testing::RecordedRequest> requests = github.requests();
  ASSERT_EQ(requests.size(), 2u) << run.result.err;
  nlohmann::json deployment = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(deployment["environment"], "production");
  EXPECT_EQ(deployment["ref"], "e2e0sha");
  nlohmann::json status = nlohmann::json::parse(requests[1].body);
  EXPECT_EQ(status["state"], "success");
  EXPECT_EQ(status["environment_url"], "https://lab-worker.lab-sub.workers.dev");
  EXPECT_EQ(status["log_url"], "https://dash.cloudflare.com/" + std::string(k_account) +
                                   "/workers/services/view/lab-worker/production/deployments");

  // What real wrangler's deploy entry says, in the job summary.
  EXPECT_NE(markdown.find("Deployed to <https://lab-worker.lab-sub.workers.dev>"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- Worker: `lab-worker`\n"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("- Version: `"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("- Commit: `e2e0sha`\n"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("wrangler 4\\.86\\.0"), std::string::npos) << markdown;
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

// A version with a preview URL and no deployment: what a pull request's preview needs.
TEST_F(DeployEndToEnd, UploadOnlyReportsTheVersionAndItsPreviewUrl) {
  start_fake("versions-upload-ok");
  std::string outputs = (m_dir / "github-output").string();
  m_extra_env = {"GITHUB_OUTPUT=" + outputs, "GITHUB_STEP_SUMMARY=" + (m_dir / "summary").string()};
  StepRun run = cfdeploy({"deploy", "--upload-only", "--format", "github"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err << run.result.out;
  EXPECT_EQ(run.report["command"][1], "versions");
  EXPECT_EQ(run.report["command"][2], "upload");
  EXPECT_EQ(run.report["version_id"], "22222222-3333-4444-8555-666666666666");
  EXPECT_EQ(run.report["deployment_url"], "https://22222222-lab-worker.lab-sub.workers.dev");
  std::string written = testing::read_whole_file(outputs);
  EXPECT_NE(written.find("\n22222222-3333-4444-8555-666666666666\n"), std::string::npos) << written;
  EXPECT_NE(written.find("version-id<<"), std::string::npos) << written;
  EXPECT_NE(written.find("\nhttps://22222222-lab-worker.lab-sub.workers.dev\n"), std::string::npos);
  EXPECT_EQ(requests_to("/workers/scripts/lab-worker/versions"), 1u);
  for (const auto& request : m_fake->requests()) {
    EXPECT_FALSE(request.method == "PUT" || request.path.find("/deployments") != std::string::npos)
        << "a version upload deployed: " << request.method << " " << request.path;
  }
}

TEST_F(DeployEndToEnd, AnUploadOnlyPermissionErrorMakesOneAttempt) {
  start_fake("versions-upload-7403");
  StepRun run = cfdeploy({"deploy", "--upload-only", "--retries", "2"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["id"], "workers-permission-denied");
  EXPECT_TRUE(run.report["version_id"].is_null());
}

TEST_F(PagesEndToEnd, SucceedsAndWritesWranglerActionsPagesOutputs) {
  start_fake("pages-deploy-ok");
  std::string outputs = (m_dir / "github-output").string();
  m_extra_env = {"GITHUB_OUTPUT=" + outputs, "GITHUB_STEP_SUMMARY=" + (m_dir / "summary").string()};
  StepRun run =
      pages({"--format", "github", "--commit-hash", "4a5b6c7d8e9f00112233445566778899aabbccdd",
             "--commit-message", "-- Add the lab page"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err << run.result.out;
  EXPECT_EQ(run.report["deployment_url"], "https://0f1e2d3c.lab-site.pages.dev");
  EXPECT_EQ(run.report["pages"]["deployment_id"], "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
  EXPECT_EQ(run.report["pages"]["alias_url"], "https://feature-x.lab-site.pages.dev");
  EXPECT_EQ(run.report["pages"]["environment"], "preview");
  std::string written = testing::read_whole_file(outputs);
  for (const char* line :
       {"https://0f1e2d3c.lab-site.pages.dev", "https://feature-x.lab-site.pages.dev",
        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "preview"}) {
    EXPECT_NE(written.find(std::string("\n") + line + "\n"), std::string::npos) << written;
  }
  for (const char* name : {"deployment-url<<", "pages-deployment-alias-url<<",
                           "pages-deployment-id<<", "pages-environment<<"}) {
    EXPECT_NE(written.find(name), std::string::npos) << written;
  }
  // The files went up under the upload token, then the deployment named the branch and commit.
  EXPECT_EQ(requests_to("/pages/assets/check-missing"), 1u);
  EXPECT_EQ(requests_to("/pages/assets/upload"), 2u);
  const testing::RecordedRequest* created =
      request_to("POST", "/pages/projects/lab-site/deployments");
  ASSERT_NE(created, nullptr);
  EXPECT_NE(created->body.find("--part name=\"branch\" content_type=\"\"\nfeature-x\n"),
            std::string::npos)
      << created->body;
  EXPECT_NE(created->body.find("4a5b6c7d8e9f00112233445566778899aabbccdd"), std::string::npos);
  EXPECT_NE(created->body.find("\n-- Add the lab page\n"), std::string::npos) << created->body;
}

// Without a terminal wrangler does not offer to create the project; it fails on 8000007.
TEST_F(PagesEndToEnd, AMissingProjectIsNotFoundAndNotRetried) {
  start_fake("pages-deploy-project-not-found");
  StepRun run = pages({"--retries", "2"});
  expect_failure(run, "not_found", 8000007, 1);
  EXPECT_EQ(run.report["id"], "pages-project-not-found");
  EXPECT_EQ(requests_to("/upload-token"), 0u);
  EXPECT_TRUE(run.report["pages"].is_null());
}

TEST_F(PagesEndToEnd, ATokenWithoutPagesEditIsTold) {
  start_fake("pages-deploy-7403");
  StepRun run = pages({"--retries", "2"});
  expect_failure(run, "authorization", 7403, 1);
  EXPECT_EQ(run.report["id"], "pages-permission-denied");
  EXPECT_EQ(requests_to("/upload-token"), 1u);
  EXPECT_NE(run.result.err.find("Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit"),
            std::string::npos)
      << run.result.err;
  ASSERT_FALSE(run.report["fixes"].empty());
  EXPECT_NE(run.report["fixes"][0]["url"].get<std::string>().find("%22page%22"), std::string::npos);
}

TEST_F(PagesEndToEnd, PreflightStopsAMissingProjectAndNamesTheAccountsProjects) {
  start_fake("preflight-pages-missing");
  StepRun run = cfdeploy({"pages", "site", "--project-name", "lab-site", "--preflight"},
                         /*expect_report=*/false);
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_NE(run.result.err.find("Preflight FAILED"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("'lab-site-v2', 'blog'"), std::string::npos) << run.result.err;
  EXPECT_EQ(run.result.out.find("wrangler 4.86.0"), std::string::npos) << "wrangler ran";
  EXPECT_EQ(requests_to("/upload-token"), 0u);
}

// wrangler retries a failed upload batch itself; the step is one successful attempt.
TEST_F(PagesEndToEnd, WranglersOwnRetryOfAnUploadServerErrorIsASuccess) {
  start_fake("pages-deploy-upload-500-then-ok");
  StepRun run = pages();
  EXPECT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(run.report["attempts"].size(), 1u);
  EXPECT_EQ(requests_to("/pages/assets/upload"), 3u);
  EXPECT_EQ(run.report["pages"]["environment"], "preview");
}

// wrangler gives up on the upload after its own retries (about 20 s) and exits 0 all the
// same; the error it printed and its output file fail the step.
TEST_F(PagesEndToEnd, AnUploadThatKeepsFailingFailsTheStepThoughWranglerExitsZero) {
  start_fake("pages-deploy-upload-500");
  StepRun run = pages({"--retries", "0"});
  expect_failure(run, "transient", 8000000, 1);
  EXPECT_EQ(run.report["attempts"][0]["exit_status"], 0);
  EXPECT_EQ(run.report["id"], "pages-unknown-error");
  EXPECT_EQ(requests_to("/pages/projects/lab-site/deployments"), 0u);
  EXPECT_GT(requests_to("/pages/assets/upload"), 2u);
}

TEST_F(PagesEndToEnd, AFunctionThatThrowsAtStartupFailsTheStepOnce) {
  start_fake("pages-deploy-function-startup-error");
  StepRun run = pages();
  expect_failure(run, "config", nullptr, 1);
  EXPECT_EQ(run.report["id"], "pages-function-startup-error");
  EXPECT_EQ(requests_to("/history/logs"), 1u);
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
  expect_failure(run, "authorization", 10000, 1);
  EXPECT_EQ(run.report["diagnosis"]["kind"], "credential");
  EXPECT_EQ(conclusion_of(run),
            "The token expired on 2026-01-31T00:00:00Z: that is why Cloudflare refused it.");
  EXPECT_TRUE(has(run.result.err, "cfdeploy: diagnosis: The token expired on 2026-01-31"))
      << run.result.err;
}

TEST_F(MigrateEndToEnd, A10000WithAValidTokenThatReachesTheAccountLacksAPermission) {
  start_fake("diagnose-10000-valid");
  StepRun run = cfdeploy({"migrate", "lab-db"});
  expect_failure(run, "authorization", 10000, 1);
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
