// `cfdeploy deploy` with a GitHub token, as users meet it: the built binary, a stand-in
// wrangler that writes wrangler's output file, and the fake GitHub REST API on loopback.
// The deployment is recorded for the deploy's URL; GitHub's refusals are warnings and the
// deploy's status stays; the token never appears in anything cfdeploy prints.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "fake_github.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::FakeGithub;
using testing::GithubRefusal;
using testing::GithubScenario;

const std::string k_token = "ghs_deploy_test_token_98765";

std::string temp_path(const std::string& name) {
  return "/tmp/cfdeploy-deploy-github-" + std::to_string(getpid()) + "-" + name;
}

// A wrangler that deploys (writes the deploy entry) or fails with a 7403.
std::string stand_in_wrangler(bool succeed) {
  std::string path = temp_path(succeed ? "wrangler-ok" : "wrangler-7403");
  std::ofstream script(path);
  script << "#!/bin/sh\n";
  if (succeed) {
    script << "echo '{\"type\":\"deploy\",\"version\":1,\"worker_name\":\"site\","
              "\"version_id\":\"v-1\",\"targets\":[\"https://site.octo.workers.dev\"]}' "
              ">> \"$WRANGLER_OUTPUT_FILE_PATH\"\n"
              "echo 'Deployed site'\nexit 0\n";
  } else {
    script << "printf '\\342\\234\\230 [ERROR] A request to the Cloudflare API "
              "(/accounts/a/workers/scripts/site) failed.\\n\\n  The given account is not "
              "valid or is not authorized to access this service [code: 7403]\\n' >&2\nexit 1\n";
  }
  script.close();
  chmod(path.c_str(), 0755);
  return path;
}

std::vector<std::string> runner_env(const FakeGithub& github, const std::string& payload) {
  return {"CFDEPLOY_GITHUB_TOKEN=" + k_token,
          "GITHUB_API_URL=" + github.api_url(),
          "GITHUB_REPOSITORY=octo/site",
          "GITHUB_SHA=abc123",
          "GITHUB_EVENT_NAME=push",
          "GITHUB_HEAD_REF=",
          "GITHUB_REF_NAME=main",
          "GITHUB_EVENT_PATH=" + payload,
          "GITHUB_SERVER_URL=https://github.com",
          "GITHUB_RUN_ID=7",
          "CLOUDFLARE_ACCOUNT_ID=",
          "GITHUB_OUTPUT=",
          "GITHUB_STEP_SUMMARY="};
}

class DeployGithub : public ::testing::Test {
protected:
  void SetUp() override {
    std::ofstream(m_payload) << R"({"repository":{"default_branch":"main"}})";
  }
  void TearDown() override { std::remove(m_payload.c_str()); }

  CommandResult deploy(const FakeGithub& github, bool succeed,
                       std::vector<std::string> options = {"--format", "text"}) {
    std::string wrangler = stand_in_wrangler(succeed);
    std::vector<std::string> args = {"deploy", "--retries", "0", "--wrangler", wrangler};
    args.insert(args.end(), options.begin(), options.end());
    CommandResult result = testing::run_cfdeploy(args, "", runner_env(github, m_payload));
    std::remove(wrangler.c_str());
    // On a runner the token is registered as a mask, the one place it may appear.
    std::string mask = "::add-mask::" + k_token + "\n";
    std::string out = result.out;
    for (size_t at = out.find(mask); at != std::string::npos; at = out.find(mask)) {
      out.erase(at, mask.size());
    }
    EXPECT_EQ(out.find(k_token), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(k_token), std::string::npos) << result.err;
    return result;
  }

  std::string m_payload = temp_path("event.json");
};

TEST_F(DeployGithub, ASuccessfulDeployIsRecordedAsProduction) {
  FakeGithub github;
  CommandResult result = deploy(github, true);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(github.requests().size(), 2u) << result.err;
  json deployment = json::parse(github.requests()[0].body);
  EXPECT_EQ(deployment.at("environment"), "production");
  EXPECT_EQ(deployment.at("ref"), "abc123");
  json status = json::parse(github.requests()[1].body);
  EXPECT_EQ(status.at("state"), "success");
  EXPECT_EQ(status.at("environment_url"), "https://site.octo.workers.dev");
  EXPECT_EQ(status.at("log_url"), "https://github.com/octo/site/actions/runs/7");
  EXPECT_NE(result.err.find("cfdeploy: recorded GitHub deployment 42 (production, success)"),
            std::string::npos)
      << result.err;
}

TEST_F(DeployGithub, TheEnvironmentOptionNamesTheEnvironment) {
  FakeGithub github;
  CommandResult result = deploy(github, true, {"--format", "text", "--github-environment", "qa"});
  ASSERT_EQ(github.requests().size(), 2u) << result.err;
  EXPECT_EQ(json::parse(github.requests()[0].body).at("environment"), "qa");
}

TEST_F(DeployGithub, AProductionBranchOptionMakesMainAPreview) {
  FakeGithub github;
  CommandResult result =
      deploy(github, true, {"--format", "text", "--production-branch", "release"});
  ASSERT_EQ(github.requests().size(), 2u) << result.err;
  json deployment = json::parse(github.requests()[0].body);
  EXPECT_EQ(deployment.at("environment"), "preview");
  EXPECT_EQ(deployment.at("transient_environment"), true);
}

TEST_F(DeployGithub, AFailedDeployRecordsAFailureWithItsClassAndTitle) {
  FakeGithub github;
  CommandResult result = deploy(github, false);
  EXPECT_EQ(result.exit_code, 1);
  ASSERT_EQ(github.requests().size(), 2u) << result.err;
  json status = json::parse(github.requests()[1].body);
  EXPECT_EQ(status.at("state"), "failure");
  EXPECT_EQ(status.at("description").get<std::string>().rfind("authorization: ", 0), 0u) << status;
}

TEST_F(DeployGithub, EveryRefusalIsAWarningAndTheDeployStillSucceeds) {
  for (int status : {401, 403, 422, 500, 503}) {
    FakeGithub github(GithubScenario{42, GithubRefusal{status, "Refused " + k_token, false}, {}});
    CommandResult result = deploy(github, true);
    EXPECT_EQ(result.exit_code, 0) << status << result.err;
    EXPECT_NE(result.err.find("cfdeploy: warning: the GitHub deployment was not recorded"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("HTTP " + std::to_string(status)), std::string::npos) << result.err;
  }
}

TEST_F(DeployGithub, OnARunnerTheTokenIsMaskedAndARefusalIsAWarningAnnotation) {
  FakeGithub github(GithubScenario{42, {}, GithubRefusal{403, "Resource not accessible", false}});
  CommandResult result = deploy(github, true, {"--format", "github"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("::warning title=cfdeploy%3A GitHub deployment not recorded::"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("deployments: write"), std::string::npos);
  EXPECT_EQ(result.out.rfind("::add-mask::" + k_token + "\n", 0), 0u) << result.out;
}

TEST_F(DeployGithub, TheJobSummaryListsWhatTheDeployMade) {
  FakeGithub github;
  std::string wrangler = stand_in_wrangler(true);
  std::string summary = temp_path("summary.md");
  std::vector<std::string> env = runner_env(github, m_payload);
  env.push_back("GITHUB_STEP_SUMMARY=" + summary);
  CommandResult result =
      testing::run_cfdeploy({"deploy", "--format", "github", "--wrangler", wrangler}, "", env);
  std::remove(wrangler.c_str());
  std::ifstream in(summary);
  std::string markdown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(summary.c_str());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(markdown.find("Deployed to <https://site.octo.workers.dev>\n"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("- Worker: `site`\n- Version: `v-1`\n- Commit: `abc123`\n"),
            std::string::npos)
      << markdown;
}

TEST_F(DeployGithub, WithoutATokenNothingIsSent) {
  FakeGithub github;
  std::string wrangler = stand_in_wrangler(true);
  std::vector<std::string> env = runner_env(github, m_payload);
  env[0] = "CFDEPLOY_GITHUB_TOKEN=";
  CommandResult result =
      testing::run_cfdeploy({"deploy", "--format", "text", "--wrangler", wrangler}, "", env);
  std::remove(wrangler.c_str());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(github.requests().empty());
}

}  // namespace
}  // namespace cfdeploy
