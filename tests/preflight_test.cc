// Preflight's checks: the logic against a scripted CloudflareApi, then the whole thing
// against the fake Cloudflare API over HTTP and HTTPS.
#include "preflight.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "fake_cloudflare.h"
#include "preflight_report.h"
#include "support/fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

const std::string k_account = "0123456789abcdef0123456789abcdef";
const std::string k_db_id = "11111111-2222-3333-4444-555555555555";
const std::string k_other_id = "99999999-8888-7777-6666-555555555555";
const std::string k_base = "/accounts/" + k_account;
const std::string k_by_id = k_base + "/d1/database/" + k_db_id;
const std::string k_by_name = k_base + "/d1/database?name=lab-db";

ApiResponse answer(int status, json result, std::vector<ApiMessage> errors = {}) {
  ApiResponse response;
  response.status = status;
  response.success = status < 300;
  response.result = std::move(result);
  response.errors = std::move(errors);
  return response;
}

ApiResponse token_status(const std::string& status, const std::string& expires = "") {
  json result = {{"id", "t1"}, {"status", status}};
  if (!expires.empty()) {
    result["expires_on"] = expires;
  }
  return answer(200, result);
}

// Answers by "METHOD path"; anything unscripted gets the API's 404 (code 7000).
class ScriptedApi final : public CloudflareApi {
public:
  ScriptedApi& on(const std::string& request, ApiResponse response) {
    m_answers[request] = std::move(response);
    return *this;
  }
  ApiResponse get(const std::string& path) override { return reply("GET " + path); }
  ApiResponse post(const std::string& path, const json&) override { return reply("POST " + path); }
  std::vector<std::string> seen() const {
    std::lock_guard lock(m_mutex);
    return m_seen;
  }
  /// Holds each request until `count` are in flight at once (or 10 s pass), so a test
  /// can tell concurrent requests from sequential ones without timing them.
  void hold_until_in_flight(int count) { m_hold_until = count; }
  int most_in_flight() const {
    std::lock_guard lock(m_mutex);
    return m_most_in_flight;
  }

private:
  ApiResponse reply(const std::string& request) {
    std::unique_lock lock(m_mutex);
    m_most_in_flight = std::max(m_most_in_flight, ++m_in_flight);
    m_changed.notify_all();
    m_changed.wait_for(lock, std::chrono::seconds(10),
                       [this] { return m_most_in_flight >= m_hold_until; });
    --m_in_flight;
    m_seen.push_back(request);
    auto found = m_answers.find(request);
    return found != m_answers.end() ? found->second
                                    : answer(404, nullptr, {{7000, "No route for that URI"}});
  }
  std::map<std::string, ApiResponse> m_answers;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_hold_until = 0;
  int m_in_flight = 0;
  int m_most_in_flight = 0;
  std::vector<std::string> m_seen;
};

// Everything right: an active user token, the account, lab-db with the configured id.
ScriptedApi& all_good(ScriptedApi& api) {
  return api.on("GET /user/tokens/verify", token_status("active"))
      .on("GET " + k_base, answer(200, {{"id", k_account}, {"name", "Lab Account"}}))
      .on("GET " + k_by_id, answer(200, {{"uuid", k_db_id}, {"name", "lab-db"}}))
      .on("GET " + k_by_name, answer(200, json::array({{{"uuid", k_db_id}, {"name", "lab-db"}}})))
      .on("POST " + k_by_id + "/query", answer(200, json::array()))
      .on("GET " + k_base + "/workers/scripts", answer(200, json::array({{{"id", "lab-worker"}}})));
}

PreflightInput input_for(const std::string& file = "toml/wrangler.toml",
                         const std::string& environment = "") {
  Result<WranglerConfig> config =
      read_wrangler_config(testing::source_path("tests/fixtures/config/" + file), environment);
  EXPECT_TRUE(config.ok());
  PreflightInput input;
  input.config = config.value();
  input.token = TokenPresence::set;
  input.account = choose_account("", &*input.config, "");
  input.databases = input.config->d1_databases;
  input.d1_write = true;
  input.workers_scripts = true;
  return input;
}

CheckStatus status_of(const PreflightReport& report, const std::string& id) {
  const CheckResult* check = report.find(id);
  EXPECT_NE(check, nullptr) << "no check " << id;
  return check != nullptr ? check->status : CheckStatus::skipped;
}

std::string all_fixes(const CheckResult& check) {
  std::string text;
  for (const std::string& step : check.fix) {
    text += step + "\n";
  }
  return text;
}

TEST(Preflight, EverythingRightPassesWithProbesUnproven) {
  ScriptedApi api;
  PreflightReport report = run_preflight(all_good(api), input_for());
  EXPECT_TRUE(report.ok());
  for (const char* id : {"config", "token-set", "token-valid", "account", "d1-database:lab-db"}) {
    EXPECT_EQ(status_of(report, id), CheckStatus::pass) << id << ": " << report.find(id)->detail;
  }
  EXPECT_EQ(status_of(report, "d1-write:lab-db"), CheckStatus::could_not_check);
  EXPECT_EQ(status_of(report, "workers-scripts"), CheckStatus::could_not_check);
  EXPECT_NE(report.find("workers-scripts")->detail.find("Worker 'lab-worker' exists"),
            std::string::npos);
  EXPECT_NE(report.find("account")->detail.find("Lab Account"), std::string::npos);
}

TEST(Preflight, MissingTokenFailsAndSendsNoRequest) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.token = TokenPresence::unset;
  PreflightReport report = run_preflight(api, input);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(status_of(report, "token-set"), CheckStatus::fail);
  EXPECT_EQ(status_of(report, "token-valid"), CheckStatus::skipped);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::skipped);
  EXPECT_TRUE(api.seen().empty());
}

TEST(Preflight, EmptyTokenCountsAsUnsetAndMentionsForks) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.token = TokenPresence::empty;
  input.fork_pull_request = true;
  PreflightReport report = run_preflight(api, input);
  const CheckResult& check = *report.find("token-set");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("empty, which counts as unset"), std::string::npos);
  EXPECT_NE(check.detail.find("from a fork"), std::string::npos);
  EXPECT_NE(all_fixes(check).find("forks"), std::string::npos);
}

TEST(Preflight, ExpiredTokenGivesItsExpiry) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", token_status("expired", "2026-01-31T00:00:00Z"));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("token-valid");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("expired on 2026-01-31T00:00:00Z"), std::string::npos);
  EXPECT_EQ(status_of(report, "account"), CheckStatus::skipped);
}

TEST(Preflight, DisabledTokenFails) {
  ScriptedApi api;
  all_good(api).on("GET /user/tokens/verify", token_status("disabled"));
  EXPECT_EQ(status_of(run_preflight(api, input_for()), "token-valid"), CheckStatus::fail);
}

TEST(Preflight, InvalidTokenFailsWithCatalogueAdvice) {
  ScriptedApi api;
  all_good(api)
      .on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}))
      .on("GET " + k_base + "/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("token-valid");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 1000);
  EXPECT_NE(all_fixes(check).find("account-owned token"), std::string::npos);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::skipped);
}

TEST(Preflight, AccountOwnedTokenIsVerifiedAtTheAccount) {
  ScriptedApi api;
  all_good(api)
      .on("GET /user/tokens/verify", answer(401, nullptr, {{1000, "Invalid API Token"}}))
      .on("GET " + k_base + "/tokens/verify", token_status("active"));
  PreflightReport report = run_preflight(api, input_for());
  EXPECT_EQ(status_of(report, "token-valid"), CheckStatus::pass);
  EXPECT_NE(report.find("token-valid")->detail.find("account-owned"), std::string::npos);
  EXPECT_EQ(report.find("token-valid")->requests.size(), 2u);
}

TEST(Preflight, EmailAsAccountIdIsNamedAndNotSent) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.account = choose_account("", nullptr, "dev@example.com");
  PreflightReport report = run_preflight(all_good(api), input);
  const CheckResult& check = *report.find("account");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("e-mail address"), std::string::npos);
  EXPECT_NE(check.detail.find("CLOUDFLARE_ACCOUNT_ID"), std::string::npos);
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET /user/tokens/verify"}));
}

TEST(Preflight, AccountTheTokenCannotReachFails) {
  ScriptedApi api;
  ApiResponse refused = answer(403, nullptr, {{9109, "Unauthorized to access requested resource"}});
  ApiResponse no_d1 = answer(403, nullptr, {{7403, "The given account is not valid"}});
  all_good(api)
      .on("GET " + k_base, refused)
      .on("GET " + k_by_id, no_d1)
      .on("GET " + k_by_name, no_d1)
      .on("POST " + k_by_id + "/query", no_d1)
      .on("GET " + k_base + "/workers/scripts", refused);
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("account");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 5);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::could_not_check);
  EXPECT_EQ(status_of(report, "d1-write:lab-db"), CheckStatus::fail);
  EXPECT_EQ(report.find("d1-write:lab-db")->code, 7403);
}

TEST(Preflight, AccountDetailsRefusedButReachedElsewherePasses) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base, answer(403, nullptr, {{9109, "Unauthorized"}}));
  EXPECT_EQ(status_of(run_preflight(api, input_for()), "account"), CheckStatus::pass);
}

TEST(Preflight, ConfigAccountIdBeatsTheEnvironmentAndSaysSo) {
  WranglerConfig config = *input_for().config;
  AccountChoice choice = choose_account("", &config, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(choice.id, k_account);
  EXPECT_EQ(choice.overridden, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(choose_account("abc", &config, "x").origin, "--account-id");
  EXPECT_EQ(choose_account("", nullptr, "x").origin, "CLOUDFLARE_ACCOUNT_ID");
}

TEST(Preflight, NoAccountIdUsesTheOnlyAccountTheTokenSees) {
  ScriptedApi api;
  all_good(api).on("GET /accounts?per_page=50",
                   answer(200, json::array({{{"id", k_account}, {"name", "Lab Account"}}})));
  PreflightInput input = input_for();
  input.account = AccountChoice{};
  PreflightReport report = run_preflight(api, input);
  EXPECT_EQ(status_of(report, "account"), CheckStatus::pass);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::pass);
}

TEST(Preflight, MissingDatabaseFails) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name, answer(200, json::array()));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 7404);
  EXPECT_NE(all_fixes(check).find("wrangler d1 create lab-db"), std::string::npos);
  EXPECT_EQ(status_of(report, "d1-write:lab-db"), CheckStatus::skipped);
}

TEST(Preflight, IdMismatchPointsAtTheLineWithTheRightId) {
  ScriptedApi api;
  all_good(api)
      .on("GET " + k_by_id, answer(404, nullptr, {{7404, "The database could not be found"}}))
      .on("GET " + k_by_name,
          answer(200, json::array({{{"uuid", k_other_id}, {"name", "lab-db"}}})));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 10);
  EXPECT_NE(all_fixes(check).find("database_id = \"" + k_other_id + "\" at "), std::string::npos);
}

TEST(Preflight, IdOfAnotherDatabaseFails) {
  ScriptedApi api;
  all_good(api).on("GET " + k_by_id, answer(200, {{"uuid", k_db_id}, {"name", "old-db"}}));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("d1-database:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("'old-db'"), std::string::npos);
}

TEST(Preflight, PlaceholderIdIsItsOwnErrorAtItsLine) {
  ScriptedApi api;
  all_good(api);
  PreflightReport report = run_preflight(api, input_for("jsonc/wrangler.jsonc", "staging"));
  const CheckResult& check = *report.find("d1-database:lab-db-staging");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("placeholder"), std::string::npos);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->line, 23);
  EXPECT_EQ(status_of(report, "d1-write:lab-db-staging"), CheckStatus::skipped);
}

TEST(Preflight, D1ProbeRefusedFailsWithCatalogueAdvice) {
  ScriptedApi api;
  all_good(api).on("POST " + k_by_id + "/query",
                   answer(403, nullptr,
                          {{7403,
                            "The given account is not valid or is not "
                            "authorized to access this service"}}));
  PreflightReport report = run_preflight(api, input_for());
  const CheckResult& check = *report.find("d1-write:lab-db");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 7403);
  EXPECT_NE(all_fixes(check).find("D1 › Edit"), std::string::npos) << all_fixes(check);
  EXPECT_FALSE(report.ok());
}

TEST(Preflight, WorkersProbeRefusedFails) {
  ScriptedApi api;
  all_good(api).on("GET " + k_base + "/workers/scripts",
                   answer(403, nullptr, {{10000, "Authentication error"}}));
  EXPECT_EQ(status_of(run_preflight(api, input_for()), "workers-scripts"), CheckStatus::fail);
}

TEST(Preflight, ServerErrorsAreCouldNotCheckNeverFailures) {
  ScriptedApi api;
  ApiResponse down;
  down.failure = TransportFailure::timeout;
  down.failure_detail = "no answer within the 15.0 s timeout";
  for (const std::string& request :
       {std::string("GET /user/tokens/verify"), "GET " + k_base, "GET " + k_by_id,
        "GET " + k_by_name, "POST " + k_by_id + "/query", "GET " + k_base + "/workers/scripts"}) {
    api.on(request, request == "GET " + k_base ? answer(503, nullptr) : down);
  }
  PreflightReport report = run_preflight(api, input_for());
  EXPECT_TRUE(report.ok());
  for (const char* id : {"token-valid", "account", "d1-database:lab-db", "d1-write:lab-db"}) {
    EXPECT_EQ(status_of(report, id), CheckStatus::could_not_check) << id;
  }
}

TEST(Preflight, RunsTheRequestsConcurrently) {
  ScriptedApi api;
  all_good(api).hold_until_in_flight(6);
  PreflightReport report = run_preflight(api, input_for());
  EXPECT_EQ(api.seen().size(), 6u);
  EXPECT_EQ(api.most_in_flight(), 6) << "all six requests wait for each other";
  EXPECT_TRUE(report.ok());
}

TEST(Preflight, DatabaseNotInTheConfigFails) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.databases.clear();
  input.missing_databases = {"nope"};
  PreflightReport report = run_preflight(all_good(api), input);
  const CheckResult& check = *report.find("d1-database:nope");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(all_fixes(check).find("lab-db"), std::string::npos);
}

TEST(Preflight, BrokenConfigFailsWithItsLocation) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.config.reset();
  input.config_error = Error{"wrangler.toml:5", "invalid TOML: bad string"};
  PreflightReport report = run_preflight(all_good(api), input);
  const CheckResult& check = *report.find("config");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->text(), "wrangler.toml:5");
}

TEST(Preflight, VerifyTokenIsUnknownWhenTheApiIsDown) {
  ScriptedApi api;
  api.on("GET /user/tokens/verify", answer(500, nullptr));
  TokenState state = verify_token(api, k_account);
  EXPECT_EQ(state.status, TokenStatus::unknown);
  EXPECT_EQ(state.requests.size(), 1u);
}

TEST(Preflight, JsonAndTextShowEveryCheck) {
  ScriptedApi api;
  all_good(api).on("GET " + k_by_id, answer(404, nullptr, {{7404, "Not found"}}));
  PreflightReport report = run_preflight(api, input_for());
  json out = preflight_to_json(report);
  EXPECT_EQ(out["ok"], false);
  EXPECT_EQ(out["checks"].size(), report.checks.size());
  EXPECT_EQ(out["counts"]["fail"], 1);
  json db = out["checks"][4];
  EXPECT_EQ(db["id"], "d1-database:lab-db");
  EXPECT_EQ(db["status"], "fail");
  EXPECT_EQ(db["line"], 10);
  EXPECT_EQ(db["code"], 7404);
  EXPECT_FALSE(db["requests"].empty());
  std::string text = preflight_to_text(report);
  EXPECT_NE(text.find("FAIL            D1 database 'lab-db'"), std::string::npos) << text;
  EXPECT_NE(text.find("Preflight FAILED: "), std::string::npos);
}

// The real HTTP client against the fake: one scenario where everything is right.
const char* k_all_good_rules = R"({"rules": [
  {"path": "/client/v4/user/tokens/verify", "json": {"success": true, "errors": [], "messages": [],
    "result": {"id": "t1", "status": "active", "expires_on": "2030-01-01T00:00:00Z"}}},
  {"path": "/client/v4/accounts/*", "json": {"success": true, "errors": [], "messages": [],
    "result": {"id": "0123456789abcdef0123456789abcdef", "name": "Lab Account"}}},
  {"path": "/client/v4/accounts/*/d1/database/*", "json": {"success": true, "errors": [],
    "messages": [], "result": {"uuid": "11111111-2222-3333-4444-555555555555", "name": "lab-db"}}},
  {"path": "/client/v4/accounts/*/d1/database", "json": {"success": true, "errors": [],
    "messages": [], "result": [{"uuid": "11111111-2222-3333-4444-555555555555", "name": "lab-db"}]}},
  {"method": "POST", "path": "/client/v4/accounts/*/d1/database/*/query", "json": {"success": true,
    "errors": [], "messages": [], "result": [{"results": [{"1": 1}], "success": true}]}},
  {"path": "/client/v4/accounts/*/workers/scripts", "json": {"success": true, "errors": [],
    "messages": [], "result": [{"id": "lab-worker"}]}}
]})";

PreflightReport against_fake(testing::FakeCloudflare& fake, const std::string& ca_file) {
  HttpOptions options;
  options.base_url = fake.base_url();
  options.token = "fake-token-for-preflight-tests";
  options.ca_file = ca_file;
  Result<std::unique_ptr<CloudflareApi>> api = make_http_api(options);
  EXPECT_TRUE(api.ok());
  return run_preflight(*api.value(), input_for());
}

TEST(Preflight, PassesAgainstTheFakeOverHttp) {
  testing::FakeCloudflare fake(nlohmann::ordered_json::parse(k_all_good_rules));
  fake.start();
  PreflightReport report = against_fake(fake, "");
  EXPECT_TRUE(report.ok()) << preflight_to_text(report);
  EXPECT_EQ(status_of(report, "d1-database:lab-db"), CheckStatus::pass);
  EXPECT_EQ(fake.requests().size(), 6u);
}

TEST(Preflight, PassesAgainstTheFakeOverHttps) {
  std::string cert = "/tmp/cfdeploy-preflight-" + std::to_string(getpid()) + "-cert.pem";
  std::string key = "/tmp/cfdeploy-preflight-" + std::to_string(getpid()) + "-key.pem";
  testing::generate_self_signed_cert(cert, key);
  testing::FakeCloudflare fake(nlohmann::ordered_json::parse(k_all_good_rules),
                               testing::FakeOptions{0, "", cert, key});
  fake.start();
  PreflightReport report = against_fake(fake, cert);
  PreflightReport untrusted = against_fake(fake, k_system_ca_file);
  fake.stop();
  std::remove(cert.c_str());
  std::remove(key.c_str());
  EXPECT_EQ(status_of(report, "token-valid"), CheckStatus::pass) << preflight_to_text(report);
  EXPECT_EQ(status_of(report, "account"), CheckStatus::pass);
  EXPECT_EQ(status_of(untrusted, "token-valid"), CheckStatus::could_not_check);
  EXPECT_NE(untrusted.find("token-valid")->detail.find("certificate"), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
