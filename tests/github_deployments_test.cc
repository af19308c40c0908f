// Recording a deployment against a fake GitHub REST API on loopback (a real HTTP server):
// the two requests, their headers and bodies, and GitHub's refusals, each an Error that
// names the request and what would fix it and never shows the token.
#include "github_deployments.h"

#include <gtest/gtest.h>

#include "fake_github.h"
#include "support/scoped_env.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using testing::FakeGithub;
using testing::GithubRefusal;
using testing::GithubScenario;
using testing::RecordedRequest;

const std::string k_token = "ghs_fake_github_token_123456";

DeploymentRequest preview_request() {
  return {"octo/site", "0123456789abcdef0123456789abcdef01234567", "preview", false};
}

DeploymentStatus success_status() {
  return {true, "https://site.example.workers.dev", "https://dash.example/log", "Deployed"};
}

std::string header(const RecordedRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

Result<long long> record_against(FakeGithub& github) {
  Result<std::unique_ptr<CloudflareApi>> api = make_github_api(k_token, github.api_url());
  EXPECT_TRUE(api) << api.error().message();
  return record_deployment(*api.value(), preview_request(), success_status());
}

TEST(GithubDeployments, CreatesTheDeploymentThenItsSuccessStatus) {
  FakeGithub github(GithubScenario{77, {}, {}});
  Result<long long> id = record_against(github);
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(id.value(), 77);

  std::vector<RecordedRequest> requests = github.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/repos/octo/site/deployments");
  // The fake records a bearer token without its value.
  EXPECT_EQ(header(requests[0], "Authorization"), "Bearer <redacted>");
  EXPECT_EQ(header(requests[0], "Accept"), "application/vnd.github+json");
  EXPECT_EQ(header(requests[0], "X-GitHub-Api-Version"), "2022-11-28");
  json deployment = json::parse(requests[0].body);
  EXPECT_EQ(deployment.at("ref"), "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(deployment.at("environment"), "preview");
  EXPECT_EQ(deployment.at("auto_merge"), false);
  EXPECT_EQ(deployment.at("required_contexts"), json::array());
  EXPECT_EQ(deployment.at("transient_environment"), true);
  EXPECT_EQ(deployment.at("production_environment"), false);

  EXPECT_EQ(requests[1].path, "/repos/octo/site/deployments/77/statuses");
  json status = json::parse(requests[1].body);
  EXPECT_EQ(status.at("state"), "success");
  EXPECT_EQ(status.at("environment_url"), "https://site.example.workers.dev");
  EXPECT_EQ(status.at("log_url"), "https://dash.example/log");
  EXPECT_EQ(status.at("description"), "Deployed");
}

TEST(GithubDeployments, HonoursAnEnterpriseServerPrefix) {
  FakeGithub github;
  Result<std::unique_ptr<CloudflareApi>> api =
      make_github_api(k_token, github.api_url() + "/api/v3");
  ASSERT_TRUE(api);
  Result<long long> id = record_deployment(*api.value(), preview_request(), success_status());
  EXPECT_FALSE(id);  // the fake serves no /api/v3: the prefix was sent
  ASSERT_FALSE(github.requests().empty());
  EXPECT_EQ(github.requests()[0].path, "/api/v3/repos/octo/site/deployments");
}

TEST(GithubDeployments, ProductionIsNotTransientAndAFailureSaysWhy) {
  json deployment = deployment_body({"octo/site", "abc", "production", true});
  EXPECT_EQ(deployment.at("transient_environment"), false);
  EXPECT_EQ(deployment.at("production_environment"), true);
  json status = status_body({false, "", "", "authorization: " + std::string(200, 'x')});
  EXPECT_EQ(status.at("state"), "failure");
  EXPECT_FALSE(status.contains("environment_url"));
  EXPECT_EQ(status.at("description").get<std::string>().size(), k_max_status_description);
}

TEST(GithubDeployments, ACutDescriptionNeverEndsInsideACharacter) {
  std::string text = std::string(136, 'a') + "\xE2\x80\xBA" + std::string(10, 'b');
  std::string cut = status_body({false, "", "", text}).at("description");
  EXPECT_LE(cut.size(), k_max_status_description);
  EXPECT_NO_THROW(static_cast<void>(json(cut).dump()));  // throws on broken UTF-8
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_EQ(cut.substr(0, 136), std::string(136, 'a'));
}

struct RefusalCase {
  int status;
  const char* message;
  bool html;       // an HTML page instead of GitHub's JSON
  bool on_status;  // refused when setting the status, after the deployment was created
  const char* says;
};

TEST(GithubDeployments, EachRefusalIsAnErrorNamingTheRequestAndTheFix) {
  const RefusalCase cases[] = {
      {401, "Bad credentials", false, false, "github-token was not accepted"},
      {403, "Resource not accessible by integration", false, false, "deployments: write"},
      {404, "Not Found", false, false, "deployments: write"},
      {422, "No ref found for: abc", false, false, "commit is pushed"},
      {500, "Server Error", false, false, "HTTP 500: Server Error"},
      {502, "Bad gateway", true, false, "not JSON"},
      {403, "Resource not accessible by integration", false, true, "deployments: write"},
      {503, "Unavailable", false, true, "HTTP 503"},
  };
  for (const RefusalCase& refusal : cases) {
    GithubScenario scenario;
    (refusal.on_status ? scenario.statuses : scenario.deployments) =
        GithubRefusal{refusal.status, refusal.message, refusal.html};
    FakeGithub github(scenario);
    Result<long long> id = record_against(github);
    ASSERT_FALSE(id) << refusal.says;
    std::string message = id.error().message();
    EXPECT_NE(message.find(refusal.says), std::string::npos) << message;
    EXPECT_NE(message.find(refusal.on_status ? "/statuses" : "/deployments)"), std::string::npos)
        << message;
    EXPECT_EQ(message.find(k_token), std::string::npos) << message;
    EXPECT_EQ(github.requests().size(), refusal.on_status ? 2u : 1u) << message;
  }
}

TEST(GithubDeployments, ATokenEchoedBackIsScrubbed) {
  FakeGithub github(
      GithubScenario{42, GithubRefusal{401, "Bad credentials: " + k_token, false}, {}});
  Result<long long> id = record_against(github);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().message().find(k_token), std::string::npos) << id.error().message();
}

TEST(GithubDeployments, NoServerIsAnErrorNotACrash) {
  Result<std::unique_ptr<CloudflareApi>> api = make_github_api(k_token, "http://127.0.0.1:1");
  ASSERT_TRUE(api);
  Result<long long> id = record_deployment(*api.value(), preview_request(), success_status());
  ASSERT_FALSE(id);
  EXPECT_NE(id.error().message().find("could not connect"), std::string::npos)
      << id.error().message();
}

TEST(GithubDeployments, ABadApiUrlIsAnError) {
  EXPECT_FALSE(make_github_api(k_token, "ftp://github.example"));
}

TEST(GithubDeployments, TheProxyVariablesAreRead) {
  testing::ScopedEnv proxy({{"HTTPS_PROXY", "ftp://proxy.example:3128"},
                            {"https_proxy", "ftp://proxy.example:3128"},
                            {"NO_PROXY", ""},
                            {"no_proxy", ""}});
  Result<std::unique_ptr<CloudflareApi>> api = make_github_api(k_token, "https://github.example");
  ASSERT_FALSE(api);
  EXPECT_NE(api.error().message().find("HTTPS_PROXY"), std::string::npos) << api.error().message();
}

}  // namespace
}  // namespace cfdeploy
