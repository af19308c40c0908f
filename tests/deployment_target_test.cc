// Which environment and commit a deploy is recorded for, from the run's facts and payload.
#include "deployment_target.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/scoped_env.h"

namespace cfdeploy {
namespace {

GithubEvent push_to(const std::string& branch) {
  GithubEvent event;
  event.repository = "octo/site";
  event.sha = "push-sha";
  event.branch = branch;
  event.default_branch = "main";
  return event;
}

GithubEvent pull_request_from(const std::string& branch) {
  GithubEvent event = push_to(branch);
  event.sha = "merge-sha";
  event.pull_request = true;
  event.head_sha = "head-sha";
  return event;
}

TEST(DeploymentTarget, TheDefaultBranchIsProductionAndEveryOtherBranchAPreview) {
  EnvironmentChoice main = choose_environment(push_to("main"), "", "");
  EXPECT_EQ(main.name, "production");
  EXPECT_TRUE(main.production);
  EnvironmentChoice feature = choose_environment(push_to("feature/x"), "", "");
  EXPECT_EQ(feature.name, "preview");
  EXPECT_FALSE(feature.production);
}

TEST(DeploymentTarget, ANamedProductionBranchReplacesTheDefaultOne) {
  EXPECT_EQ(choose_environment(push_to("release"), "", "release").name, "production");
  EXPECT_EQ(choose_environment(push_to("main"), "", "release").name, "preview");
}

TEST(DeploymentTarget, APullRequestIsAlwaysAPreviewOfItsHeadCommit) {
  GithubEvent event = pull_request_from("main");
  EXPECT_EQ(choose_environment(event, "", "").name, "preview");
  EXPECT_EQ(deployment_ref(event), "head-sha");
  EXPECT_EQ(deployment_ref(push_to("main")), "push-sha");
}

TEST(DeploymentTarget, TheEnvironmentAskedForWins) {
  EnvironmentChoice staging = choose_environment(push_to("main"), "staging", "");
  EXPECT_EQ(staging.name, "staging");
  EXPECT_FALSE(staging.production);
  EXPECT_TRUE(choose_environment(pull_request_from("x"), "production", "").production);
}

TEST(DeploymentTarget, WithoutAKnownDefaultBranchNothingIsProduction) {
  GithubEvent event = push_to("main");
  event.default_branch = "";
  EXPECT_EQ(choose_environment(event, "", "").name, "preview");
}

TEST(DeploymentTarget, ReadsTheHeadCommitAndDefaultBranchFromThePayload) {
  GithubEvent event = with_payload(
      GithubEvent{},
      R"({"pull_request":{"head":{"sha":"abc123"}},"repository":{"default_branch":"trunk"}})");
  EXPECT_EQ(event.head_sha, "abc123");
  EXPECT_EQ(event.default_branch, "trunk");
  EXPECT_EQ(with_payload(GithubEvent{}, "not json").default_branch, "");
  EXPECT_EQ(with_payload(GithubEvent{}, R"({"repository":{"default_branch":7}})").default_branch,
            "");
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(with_payload(GithubEvent{}, deep).default_branch, "");
}

TEST(DeploymentTarget, ReadsAPullRequestRunFromTheEnvironment) {
  std::string payload = "/tmp/cfdeploy-event-" + std::to_string(getpid()) + ".json";
  std::ofstream(payload)
      << R"({"pull_request":{"head":{"sha":"head1"}},"repository":{"default_branch":"main"}})";
  testing::ScopedEnv env({{"GITHUB_REPOSITORY", "octo/site"},
                          {"GITHUB_SHA", "merge1"},
                          {"GITHUB_EVENT_NAME", "pull_request"},
                          {"GITHUB_HEAD_REF", "feature"},
                          {"GITHUB_REF_NAME", "5/merge"},
                          {"GITHUB_EVENT_PATH", payload}});
  GithubEvent event = github_event_from_env();
  std::remove(payload.c_str());
  EXPECT_EQ(event.repository, "octo/site");
  EXPECT_TRUE(event.pull_request);
  EXPECT_EQ(event.branch, "feature");
  EXPECT_EQ(event.default_branch, "main");
  EXPECT_EQ(deployment_ref(event), "head1");
}

TEST(DeploymentTarget, APushRunUsesTheRefName) {
  testing::ScopedEnv env({{"GITHUB_EVENT_NAME", "push"},
                          {"GITHUB_HEAD_REF", ""},
                          {"GITHUB_REF_NAME", "main"},
                          {"GITHUB_SHA", "sha1"},
                          {"GITHUB_EVENT_PATH", "/nonexistent/event.json"}});
  GithubEvent event = github_event_from_env();
  EXPECT_FALSE(event.pull_request);
  EXPECT_EQ(event.branch, "main");
  EXPECT_EQ(deployment_ref(event), "sha1");
}

}  // namespace
}  // namespace cfdeploy
