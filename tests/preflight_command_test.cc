// `cfdeploy preflight` as users meet it: the built binary against the fake Cloudflare API,
// every outcome with its exit status, and the token never shown. Also the gate that
// deploy and migrate call, run in this process.
#include "preflight_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_cloudflare.h"
#include "support/fixtures.h"
#include "support/run_command.h"
#include "support/scoped_env.h"
#include "time_travel.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using testing::CommandResult;
using testing::ScopedEnv;

const std::string k_token = "cfut_PreflightTokenValue0123456789abcdefGHIJ";
const std::string k_account = "0123456789abcdef0123456789abcdef";
const std::string k_db_id = "11111111-2222-3333-4444-555555555555";

ordered_json ok(ordered_json result) {
  return {{"success", true},
          {"errors", json::array()},
          {"messages", json::array()},
          {"result", std::move(result)}};
}

ordered_json refused(int code, const std::string& message) {
  return {{"success", false},
          {"errors", ordered_json::array({{{"code", code}, {"message", message}}})},
          {"messages", json::array()},
          {"result", nullptr}};
}

ordered_json rule(const std::string& method, const std::string& path, int status,
                  ordered_json body) {
  return {{"method", method},
          {"path", "/client/v4" + path},
          {"status", status},
          {"json", std::move(body)}};
}

ordered_json token_rule(const std::string& status) {
  return rule("GET", "/user/tokens/verify", 200,
              ok({{"id", "t1"}, {"status", status}, {"expires_on", "2026-01-31T00:00:00Z"}}));
}

// Everything right; a scenario puts its own rules in front (the first match wins).
std::vector<ordered_json> good_rules() {
  ordered_json db = {{"uuid", k_db_id}, {"name", "lab-db"}};
  return {token_rule("active"),
          rule("GET", "/accounts/*", 200, ok({{"id", k_account}, {"name", "Lab Account"}})),
          rule("GET", "/accounts/*/d1/database/*", 200, ok(db)),
          rule("GET", "/accounts/*/d1/database", 200, ok(ordered_json::array({db}))),
          rule("POST", "/accounts/*/d1/database/*/query", 200, ok(ordered_json::array())),
          rule("GET", "/accounts/*/workers/scripts", 200,
               ok(ordered_json::array({{{"id", "lab-worker"}}})))};
}

ordered_json scenario(std::vector<ordered_json> first) {
  ordered_json rules = ordered_json::array();
  for (ordered_json& item : first) {
    rules.push_back(std::move(item));
  }
  for (ordered_json& item : good_rules()) {
    rules.push_back(std::move(item));
  }
  return {{"rules", rules}};
}

const char* k_config = R"(name = "lab-worker"
account_id = "0123456789abcdef0123456789abcdef"

[[d1_databases]]
binding = "DB"
database_name = "lab-db"
database_id = "11111111-2222-3333-4444-555555555555"

[env.staging]
[[env.staging.d1_databases]]
binding = "DB"
database_name = "lab-db-staging"
database_id = "<YOUR_DATABASE_ID>"
)";

// A project directory with a wrangler.toml, removed at the end of the test.
class Project {
public:
  Project() : m_dir("/tmp/cfdeploy-preflight-" + std::to_string(getpid())) {
    std::filesystem::create_directories(m_dir);
    std::ofstream(m_dir + "/wrangler.toml") << k_config;
  }
  ~Project() { std::filesystem::remove_all(m_dir); }
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
};

struct Invocation {
  Invocation(std::vector<std::string> args_ = {}, std::vector<std::string> env_ = {},
             bool no_token_ = false)
      : args(std::move(args_)), env(std::move(env_)), no_token(no_token_) {}
  std::vector<std::string> args;
  std::vector<std::string> env;  // on top of a clean environment with the token and base URL
  bool no_token;
};

// The binary with a clean environment (nothing of the runner's CLOUDFLARE_*, proxies, GITHUB_*).
CommandResult preflight(const std::string& base_url, const Project& project,
                        const Invocation& run) {
  testing::ProcessSpec spec;
  spec.argv = {CFDEPLOY_BINARY, "preflight", "-C", project.dir()};
  spec.argv.insert(spec.argv.end(), run.args.begin(), run.args.end());
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "HOME=/tmp",
                                  "CLOUDFLARE_API_BASE_URL=" + base_url};
  if (!run.no_token) {
    env.push_back("CLOUDFLARE_API_TOKEN=" + k_token);
  }
  env.insert(env.end(), run.env.begin(), run.env.end());
  spec.env = env;
  return testing::run_process(spec);
}

struct Outcome {
  std::string name;
  std::vector<ordered_json> rules;
  Invocation run;
  int exit_code;
  std::string expect;  // in stdout
};

std::vector<Outcome> outcomes() {
  ordered_json invalid = refused(1000, "Invalid API Token");
  ordered_json no_d1 = refused(7403, "The given account is not valid or is not authorized");
  ordered_json echo = refused(6003, "Invalid request headers: Bearer " + k_token);
  return {
      {"all good", {}, {}, 0, "Preflight passed"},
      {"no token", {}, {{}, {}, true}, 1, "CLOUDFLARE_API_TOKEN is not set"},
      {"empty token", {}, {{}, {"CLOUDFLARE_API_TOKEN="}, true}, 1, "counts as unset"},
      {"expired", {token_rule("expired")}, {}, 1, "expired on 2026-01-31T00:00:00Z"},
      {"disabled", {token_rule("disabled")}, {}, 1, "The token is disabled"},
      {"invalid",
       {rule("GET", "/user/tokens/verify", 401, invalid),
        rule("GET", "/accounts/*/tokens/verify", 401, invalid)},
       {},
       1,
       "does not recognise the token"},
      {"account token",
       {rule("GET", "/user/tokens/verify", 401, invalid),
        rule("GET", "/accounts/*/tokens/verify", 200, ok({{"id", "t2"}, {"status", "active"}}))},
       {},
       0,
       "account-owned token"},
      {"email account", {}, {{"--account-id", "dev@example.com"}}, 1, "e-mail address"},
      {"wrong account",
       {rule("GET", "/accounts/*", 403, refused(9109, "Unauthorized")),
        rule("*", "/accounts/*/**", 403, no_d1)},
       {},
       1,
       "cannot reach account"},
      {"missing database",
       {rule("GET", "/accounts/*/d1/database/*", 404,
             refused(7404, "The database could not be found")),
        rule("GET", "/accounts/*/d1/database", 200, ok(json::array()))},
       {},
       1,
       "has no database with id"},
      {"id mismatch",
       {rule("GET", "/accounts/*/d1/database/*", 404, refused(7404, "Not found")),
        rule("GET", "/accounts/*/d1/database", 200,
             ok(ordered_json::array(
                 {{{"uuid", "99999999-8888-7777-6666-555555555555"}, {"name", "lab-db"}}})))},
       {},
       1,
       "wrangler.toml:7"},
      {"placeholder", {}, {{"--env", "staging"}}, 1, "is a placeholder"},
      {"7403 on the probe",
       {rule("POST", "/accounts/*/d1/database/*/query", 403, no_d1)},
       {},
       1,
       "D1 › Edit"},
      {"token echoed", {rule("GET", "/user/tokens/verify", 400, echo)}, {}, 1, "Bearer ***"},
      {"server error",
       {{{"path", "/client/v4/**"}, {"status", 500}, {"json", refused(10013, "x")}}},
       {},
       0,
       "could not check"},
      {"html",
       {{{"path", "/client/v4/**"},
         {"status", 502},
         {"content_type", "text/html"},
         {"text", "<html>502 Bad Gateway</html>"}}},
       {},
       0,
       "502 Bad Gateway"},
      {"broken json",
       {{{"path", "/client/v4/**"}, {"text", "{\"success\": tr"}}},
       {},
       0,
       "not a Cloudflare JSON answer"},
      {"success not a boolean",
       {{{"path", "/client/v4/**"},
         {"json",
          {{"success", "true"},
           {"errors", json::array()},
           {"result", {{"id", k_account}, {"status", "active"}}}}}}},
       {},
       0,
       "\"success\" field that is not true or false"},
      {"reset", {{{"path", "/client/v4/**"}, {"close", true}}}, {}, 0, "closed before"},
      {"stall",
       {{{"path", "/client/v4/**"}, {"delay_ms", 3000}, {"json", ok(nullptr)}}},
       {{"--timeout", "0.3"}},
       0,
       "timeout"},
  };
}

TEST(PreflightCommand, EveryOutcomeHasItsExitStatusAndNeverShowsTheToken) {
  Project project;
  for (const Outcome& outcome : outcomes()) {
    SCOPED_TRACE(outcome.name);
    testing::FakeCloudflare fake(scenario(outcome.rules));
    fake.start();
    CommandResult text = preflight(fake.base_url(), project, outcome.run);
    Invocation as_json = outcome.run;
    as_json.args.insert(as_json.args.end(), {"--format", "json"});
    CommandResult machine = preflight(fake.base_url(), project, as_json);
    EXPECT_EQ(text.exit_code, outcome.exit_code) << text.out << text.err;
    EXPECT_EQ(machine.exit_code, outcome.exit_code);
    EXPECT_NE(text.out.find(outcome.expect), std::string::npos) << text.out;
    json report = json::parse(machine.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << machine.out;
    EXPECT_EQ(report["ok"], outcome.exit_code == 0);
    for (const std::string& seen : {text.out, text.err, machine.out, machine.err}) {
      EXPECT_EQ(seen.find(k_token), std::string::npos) << seen;
      EXPECT_EQ(seen.find(k_token.substr(5, 20)), std::string::npos) << seen;
    }
  }
}

TEST(PreflightCommand, JsonReportPointsAtTheConfigLine) {
  Project project;
  testing::FakeCloudflare fake(scenario({}));
  fake.start();
  CommandResult result =
      preflight(fake.base_url(), project, {{"--env", "staging", "--format", "json"}, {}});
  json report = json::parse(result.out);
  json db = report["checks"][4];
  EXPECT_EQ(db["id"], "d1-database:lab-db-staging");
  EXPECT_EQ(db["status"], "fail");
  EXPECT_EQ(db["line"], 13);
  EXPECT_EQ(std::filesystem::path(db["file"].get<std::string>()).filename(), "wrangler.toml");
}

TEST(PreflightCommand, GithubFormatAnnotatesTheConfigLineAndWritesOutputs) {
  Project project;
  testing::FakeCloudflare fake(scenario({}));
  fake.start();
  std::string output = project.dir() + "/github-output";
  std::string summary = project.dir() + "/github-summary";
  CommandResult result = preflight(fake.base_url(), project,
                                   {{"--env", "staging", "--format", "github"},
                                    {"GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out.rfind("::add-mask::" + k_token + "\n::stop-commands::", 0), 0u)
      << result.out;
  EXPECT_NE(result.out.find("::error title=cfdeploy preflight%3A D1 database 'lab-db-staging'"),
            std::string::npos);
  EXPECT_NE(result.out.find(",line=13::"), std::string::npos);
  std::ifstream output_file(output);
  std::stringstream outputs;
  outputs << output_file.rdbuf();
  EXPECT_NE(outputs.str().find("\nfailure\n"), std::string::npos) << outputs.str();
  EXPECT_NE(outputs.str().find("d1-database:lab-db-staging"), std::string::npos);
  std::ifstream summary_file(summary);
  std::stringstream markdown;
  markdown << summary_file.rdbuf();
  EXPECT_NE(markdown.str().find("cfdeploy preflight failed"), std::string::npos);
}

TEST(PreflightCommand, ChecksOnlyTheDatabasesAskedFor) {
  Project project;
  testing::FakeCloudflare fake(scenario({}));
  fake.start();
  CommandResult result = preflight(fake.base_url(), project, {{"--database", "nope"}, {}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("'nope' is neither a database_name nor a binding"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Use one of: lab-db"), std::string::npos);
}

// --for pages asks only about the token, the account and the project: no D1, no Workers.
TEST(PreflightCommand, ForPagesNamesTheAccountsProjectsWhenTheProjectIsMissing) {
  Project project;
  testing::FakeCloudflare fake(
      scenario({rule("GET", "/accounts/*/pages/projects/lab-site", 404,
                     refused(8000007,
                             "Project not found. The specified project name does not match any "
                             "of your existing projects.")),
                rule("GET", "/accounts/*/pages/projects", 200,
                     ok(ordered_json::array({{{"name", "lab-site-v2"}}, {{"name", "blog"}}})))}));
  fake.start();
  CommandResult result =
      preflight(fake.base_url(), project,
                {{"--for", "pages", "--project-name", "lab-site", "--format", "json"}, {}});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  json report = json::parse(result.out);
  const json& last = report["checks"].back();
  EXPECT_EQ(last["id"], "pages-project");
  EXPECT_EQ(last["status"], "fail");
  EXPECT_NE(last["detail"].get<std::string>().find("'lab-site-v2', 'blog'"), std::string::npos)
      << last.dump();
  for (const testing::RecordedRequest& request : fake.requests()) {
    EXPECT_EQ(request.path.find("/d1/"), std::string::npos) << request.path;
    EXPECT_EQ(request.path.find("/workers/"), std::string::npos) << request.path;
  }
}

TEST(PreflightCommand, ForPagesPassesForAnExistingProject) {
  Project project;
  testing::FakeCloudflare fake(
      scenario({rule("GET", "/accounts/*/pages/projects/lab-site", 200,
                     ok({{"name", "lab-site"}, {"production_branch", "main"}})),
                rule("GET", "/accounts/*/pages/projects", 200, ok(ordered_json::array()))}));
  fake.start();
  CommandResult result =
      preflight(fake.base_url(), project, {{"--for", "pages", "--project-name", "lab-site"}, {}});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("Pages project 'lab-site' exists"), std::string::npos) << result.out;
}

TEST(PreflightCommand, HttpsTrustsOnlyTheGivenCa) {
  Project project;
  std::string cert = project.dir() + "/cert.pem";
  std::string key = project.dir() + "/key.pem";
  testing::generate_self_signed_cert(cert, key);
  testing::FakeCloudflare fake(scenario({}), testing::FakeOptions{0, "", cert, key});
  fake.start();
  CommandResult trusted = preflight(fake.base_url(), project, {{"--ca-file", cert}, {}});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out << trusted.err;
  EXPECT_NE(trusted.out.find("Preflight passed"), std::string::npos);
  // The same certificate reached as "localhost" (in its SAN), trusted through SSL_CERT_FILE...
  std::string localhost = "https://localhost:" + std::to_string(fake.port()) + "/client/v4";
  CommandResult by_name = preflight(localhost, project, {{}, {"SSL_CERT_FILE=" + cert}});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.out;
  // ...and the system's CAs do not trust it: that is "could not check", not a failed check.
  CommandResult untrusted = preflight(fake.base_url(), project, {});
  EXPECT_EQ(untrusted.exit_code, 0) << untrusted.out;
  EXPECT_NE(untrusted.out.find("certificate was not accepted"), std::string::npos) << untrusted.out;
}

TEST(PreflightCommand, UsageErrorsExitTwo) {
  Project project;
  EXPECT_EQ(preflight("http://127.0.0.1:1", project, {{"--format", "xml"}, {}}).exit_code, 2);
  CommandResult bad_url = preflight("ftp://127.0.0.1/", project, {});
  EXPECT_EQ(bad_url.exit_code, 2);
  EXPECT_NE(bad_url.err.find("API base URL"), std::string::npos) << bad_url.err;
}

TEST(PreflightCommand, NumericOptionsSayNotANumberOrOutOfRange) {
  Project project;
  CommandResult nan = preflight("http://127.0.0.1:1", project, {{"--timeout", "nan"}, {}});
  EXPECT_EQ(nan.exit_code, 2);
  EXPECT_NE(nan.err.find("--timeout: 'nan' is not a number; give 0.001 to 3600 seconds"),
            std::string::npos)
      << nan.err;
  for (const char* value : {"1e20", "0", "-5", "inf"}) {
    CommandResult wrong =
        preflight("http://127.0.0.1:1", project, {{"--connect-timeout", value}, {}});
    EXPECT_EQ(wrong.exit_code, 2) << value;
    EXPECT_NE(wrong.err.find("--connect-timeout: '" + std::string(value) +
                             "' is out of range; give 0.001 to 3600 seconds"),
              std::string::npos)
        << wrong.err;
  }
}

TEST(PreflightCommand, AConfigurationThatIsADirectoryIsNamedAsOne) {
  std::string dir = "/tmp/cfdeploy-preflight-dir-" + std::to_string(getpid());
  std::filesystem::create_directories(dir + "/project/wrangler.json");
  testing::ProcessSpec spec;
  spec.argv = {CFDEPLOY_BINARY, "preflight", "-C", dir + "/project", "--for", "deploy"};
  spec.env = std::vector<std::string>{"PATH=/usr/bin:/bin", "HOME=/tmp",
                                      "CLOUDFLARE_API_BASE_URL=http://127.0.0.1:1"};
  CommandResult result = testing::run_process(spec);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("wrangler.json': it is a directory, not a file"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("No wrangler.json, wrangler.jsonc or wrangler.toml"), std::string::npos)
      << result.out;
}

TEST(PreflightCommand, GateStopsAMigrationTheTokenCannotWrite) {
  Project project;
  testing::FakeCloudflare fake(scenario(
      {rule("POST", "/accounts/*/d1/database/*/query", 403, refused(7403, "not authorized"))}));
  fake.start();
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()},
                 {"CLOUDFLARE_API_TOKEN", k_token},
                 {"CLOUDFLARE_ACCOUNT_ID", ""}});
  ::testing::internal::CaptureStderr();
  std::optional<int> stop = preflight_gate({GateStep::migrate, project.dir(), "", "lab-db", ""});
  std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(*stop, 1);
  EXPECT_NE(err.find("wrangler was not started"), std::string::npos) << err;
  EXPECT_EQ(err.find(k_token), std::string::npos);
}

TEST(PreflightCommand, GateOnGithubAnnotatesAndWritesOutputsAndSummary) {
  Project project;
  testing::FakeCloudflare fake(scenario(
      {rule("POST", "/accounts/*/d1/database/*/query", 403, refused(7403, "not authorized"))}));
  fake.start();
  std::string output = project.dir() + "/github-output";
  std::string summary = project.dir() + "/github-summary";
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()},
                 {"CLOUDFLARE_API_TOKEN", k_token},
                 {"CLOUDFLARE_ACCOUNT_ID", ""},
                 {"GITHUB_OUTPUT", output},
                 {"GITHUB_STEP_SUMMARY", summary}});
  ::testing::internal::CaptureStdout();
  std::optional<int> stop =
      preflight_gate({GateStep::migrate, project.dir(), "", "lab-db", "", /*github=*/true});
  std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(stop.has_value());
  EXPECT_NE(out.find("::error "), std::string::npos) << out;
  EXPECT_NE(out.find("7403"), std::string::npos) << out;
  std::string outputs = testing::read_whole_file(output);
  EXPECT_NE(outputs.find("outcome<<"), std::string::npos) << outputs;
  EXPECT_NE(outputs.find("failure"), std::string::npos) << outputs;
  EXPECT_NE(testing::read_whole_file(summary).find("D1"), std::string::npos);
  // The token only reaches the log in the command that masks it.
  std::string mask = "::add-mask::" + std::string(k_token) + "\n";
  ASSERT_EQ(out.rfind(mask, 0), 0u) << out;
  for (const std::string& text :
       {out.substr(mask.size()), outputs, testing::read_whole_file(summary)}) {
    EXPECT_EQ(text.find(k_token), std::string::npos);
  }
}

TEST(PreflightCommand, GateLetsADeployGoOn) {
  Project project;
  testing::FakeCloudflare fake(scenario({}));
  fake.start();
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()}, {"CLOUDFLARE_API_TOKEN", k_token}});
  ::testing::internal::CaptureStderr();
  std::optional<int> stop = preflight_gate({GateStep::deploy, project.dir(), "", "", ""});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(stop.has_value()) << err;
  for (const testing::RecordedRequest& request : fake.requests()) {
    EXPECT_NE(request.method, "POST") << "deploy needs no D1 write probe: " << request.path;
  }
}

// A step's own request goes where the gate's would, for the database the gate would pick.
TEST(PreflightCommand, StepApiAccessReadsTheGatesInputAndReachesTheSameApi) {
  Project project;
  testing::FakeCloudflare fake(scenario({rule(
      "GET", "/accounts/*/d1/database/*/time_travel/bookmark", 200, ok({{"bookmark", "b-1"}}))}));
  fake.start();
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", fake.base_url()},
                 {"CLOUDFLARE_API_TOKEN", k_token},
                 {"CLOUDFLARE_ACCOUNT_ID", ""}});
  Result<StepApiAccess> access =
      step_api_access({GateStep::migrate, project.dir(), "", "DB", ""}, nullptr);
  ASSERT_TRUE(access.ok()) << access.error().message();
  ASSERT_EQ(access.value().input.databases.size(), 1u);
  EXPECT_EQ(access.value().input.databases[0].database_name.value, "lab-db");
  EXPECT_EQ(current_bookmark(*access.value().api, access.value().input).bookmark, "b-1");
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0].path,
            "/client/v4/accounts/0123456789abcdef0123456789abcdef/d1/database/"
            "11111111-2222-3333-4444-555555555555/time_travel/bookmark");
}

TEST(PreflightCommand, StepApiAccessRefusesAnUnusableBaseUrl) {
  Project project;
  ScopedEnv env({{"CLOUDFLARE_API_BASE_URL", "ftp://nowhere"}, {"CLOUDFLARE_API_TOKEN", k_token}});
  Result<StepApiAccess> access =
      step_api_access({GateStep::migrate, project.dir(), "", "DB", ""}, nullptr);
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().message().find(k_token), std::string::npos);
}
}  // namespace
}  // namespace cfdeploy
