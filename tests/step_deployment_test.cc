// A finished step recorded as a GitHub deployment, against the fake GitHub REST API: the
// environment and commit chosen, the failure's class and title as the description, and
// every refusal a warning.
#include "step_deployment.h"

#include <gtest/gtest.h>

#include "fake_github.h"
#include "github_deployments.h"
#include "support/findings.h"
#include "support/scoped_env.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using testing::FakeGithub;
using testing::GithubRefusal;
using testing::GithubScenario;

const std::string k_account = "0123456789abcdef0123456789abcdef";

GithubEvent push_to_main() {
  GithubEvent event;
  event.repository = "octo/site";
  event.sha = "abc123";
  event.branch = "main";
  event.default_branch = "main";
  return event;
}

StepResult deployed() {
  StepResult result;
  result.deployment_url = "https://site.octo.workers.dev";
  result.worker_name = "site";
  return result;
}

StepResult failed_with_7403() {
  StepResult result;
  result.verdict = testing::failed_with(7403, "/accounts/a/workers/scripts/site",
                                        "The given account is not valid or is not authorized "
                                        "[code: 7403]");
  result.exit_code = 1;
  return result;
}

struct Recorded {
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
  std::vector<json> bodies;
};

Recorded record(FakeGithub& github, const GithubEvent& event, const DeploymentOptions& options,
                const FinishedDeploy& deploy) {
  Result<std::unique_ptr<CloudflareApi>> api =
      make_github_api("ghs_token_0123456789", github.api_url());
  EXPECT_TRUE(api);
  Recorded recorded;
  recorded.warnings = record_deployment_for(*api.value(), event, options, deploy, recorded.notes);
  for (const testing::RecordedRequest& request : github.requests()) {
    recorded.bodies.push_back(json::parse(request.body));
  }
  return recorded;
}

TEST(StepDeployment, ASuccessfulDeployOnTheDefaultBranchIsProduction) {
  FakeGithub github;
  Recorded recorded = record(github, push_to_main(), {}, finished_deploy(deployed(), k_account));
  EXPECT_TRUE(recorded.warnings.empty());
  ASSERT_EQ(recorded.bodies.size(), 2u);
  EXPECT_EQ(recorded.bodies[0].at("environment"), "production");
  EXPECT_EQ(recorded.bodies[0].at("ref"), "abc123");
  EXPECT_EQ(recorded.bodies[1].at("state"), "success");
  EXPECT_EQ(recorded.bodies[1].at("environment_url"), "https://site.octo.workers.dev");
  EXPECT_EQ(recorded.bodies[1].at("log_url"),
            "https://dash.cloudflare.com/" + k_account +
                "/workers/services/view/site/production/deployments");
  ASSERT_EQ(recorded.notes.size(), 1u);
  EXPECT_EQ(recorded.notes[0], "recorded GitHub deployment 42 (production, success)");
}

TEST(StepDeployment, AFailedStepRecordsItsClassAndTitle) {
  FakeGithub github;
  GithubEvent event = push_to_main();
  event.branch = "feature";
  Recorded recorded = record(github, event, {}, finished_deploy(failed_with_7403(), ""));
  ASSERT_EQ(recorded.bodies.size(), 2u);
  EXPECT_EQ(recorded.bodies[0].at("environment"), "preview");
  EXPECT_EQ(recorded.bodies[1].at("state"), "failure");
  std::string description = recorded.bodies[1].at("description");
  EXPECT_EQ(description.rfind("authorization: ", 0), 0u) << description;
  EXPECT_FALSE(recorded.bodies[1].contains("environment_url"));
}

TEST(StepDeployment, WithoutAnAccountTheLogIsTheRunsPage) {
  FakeGithub github;
  testing::ScopedEnv run({{"GITHUB_SERVER_URL", "https://github.com"},
                          {"GITHUB_REPOSITORY", "octo/site"},
                          {"GITHUB_RUN_ID", "99"}});
  Recorded recorded = record(github, push_to_main(), {"staging", ""},
                             finished_deploy(deployed(), "not-an-account"));
  ASSERT_EQ(recorded.bodies.size(), 2u);
  EXPECT_EQ(recorded.bodies[0].at("environment"), "staging");
  EXPECT_EQ(recorded.bodies[1].at("log_url"), "https://github.com/octo/site/actions/runs/99");
}

TEST(StepDeployment, ARefusalIsOneWarningThatSaysTheDeployIsNotAffected) {
  FakeGithub github(GithubScenario{42, GithubRefusal{403, "Resource not accessible", false}, {}});
  Recorded recorded = record(github, push_to_main(), {}, finished_deploy(deployed(), ""));
  ASSERT_EQ(recorded.warnings.size(), 1u);
  EXPECT_NE(recorded.warnings[0].find("the deploy itself is not affected"), std::string::npos);
  EXPECT_NE(recorded.warnings[0].find("deployments: write"), std::string::npos);
  EXPECT_TRUE(recorded.notes.empty());
}

TEST(StepDeployment, OffARunnerNothingIsSent) {
  FakeGithub github;
  GithubEvent event = push_to_main();
  event.repository = "";
  Recorded recorded = record(github, event, {}, finished_deploy(deployed(), ""));
  ASSERT_EQ(recorded.warnings.size(), 1u);
  EXPECT_NE(recorded.warnings[0].find("GITHUB_REPOSITORY"), std::string::npos);
  EXPECT_TRUE(github.requests().empty());
}

TEST(StepDeployment, FailureDescriptionsForStepsWithoutAFinding) {
  StepResult cancelled;
  cancelled.exit_code = 143;
  cancelled.cancelled_by = 15;
  EXPECT_EQ(failure_description(cancelled), "cancelled by signal 15");
  StepResult timed_out;
  timed_out.exit_code = 124;
  timed_out.timed_out = true;
  EXPECT_EQ(failure_description(timed_out), "timed out");
  StepResult exited;
  exited.exit_code = 2;
  EXPECT_EQ(failure_description(exited), "failed with exit status 2");
}

TEST(StepDeployment, AWorkerNameThatIsNotOneGivesNoDashboardLink) {
  StepResult result = deployed();
  result.worker_name = "../evil";
  EXPECT_EQ(finished_deploy(result, k_account).log_url, "");
}

TEST(StepDeployment, APagesDeploysLogIsItsDeploymentsPage) {
  StepResult result = deployed();
  result.pages.deployment_id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
  EXPECT_EQ(finished_pages_deploy(result, k_account, "lab-site").log_url,
            "https://dash.cloudflare.com/" + k_account +
                "/pages/view/lab-site/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
}

TEST(StepDeployment, APagesProjectOrDeploymentIdOfAnotherShapeGivesNoDashboardLink) {
  StepResult result = deployed();
  result.pages.deployment_id = "0f1e2d3c";
  EXPECT_EQ(finished_pages_deploy(result, k_account, "../lab").log_url, "");
  result.pages.deployment_id = "0f1e/../x";
  EXPECT_EQ(finished_pages_deploy(result, k_account, "lab-site").log_url, "");
  result.pages.deployment_id = "";
  EXPECT_EQ(finished_pages_deploy(result, k_account, "lab-site").log_url, "");
}

}  // namespace
}  // namespace cfdeploy
