// Preflight as a whole: every check in its order, choosing the account, a check that stops
// nothing, and the real HTTP client against the fake Cloudflare API over HTTP and HTTPS.
#include "preflight.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "fake_cloudflare.h"
#include "preflight_report.h"
#include "support/fixtures.h"
#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

TEST(Preflight, EverythingRightPassesWithProbesUnproven) {
  ScriptedApi api;
  PreflightReport report = run_checks(all_good(api), input_for());
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

TEST(Preflight, ConfigAccountIdBeatsTheEnvironmentAndSaysSo) {
  WranglerConfig config = *input_for().config;
  AccountChoice choice = choose_account("", &config, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(choice.id, k_account);
  EXPECT_EQ(choice.overridden, "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(choose_account("abc", &config, "x").origin, "--account-id");
  EXPECT_EQ(choose_account("", nullptr, "x").origin, "CLOUDFLARE_ACCOUNT_ID");
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
  PreflightReport report = run_checks(api, input_for());
  EXPECT_TRUE(report.ok());
  for (const char* id : {"token-valid", "account", "d1-database:lab-db", "d1-write:lab-db"}) {
    EXPECT_EQ(status_of(report, id), CheckStatus::could_not_check) << id;
  }
}

TEST(Preflight, BrokenConfigFailsWithItsLocation) {
  ScriptedApi api;
  PreflightInput input = input_for();
  input.config.reset();
  input.config_error = Error{"wrangler.toml:5", "invalid TOML: bad string"};
  PreflightReport report = run_checks(all_good(api), input);
  const CheckResult& check = *report.find("config");
  EXPECT_EQ(check.status, CheckStatus::fail);
  ASSERT_TRUE(check.where);
  EXPECT_EQ(check.where->text(), "wrangler.toml:5");
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
  return run_checks(*api.value(), input_for());
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
