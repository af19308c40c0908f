// A finished deploy recorded as a GitHub Deployment, when the job gives cfdeploy a GitHub
// token in CFDEPLOY_GITHUB_TOKEN (the action's `github-token`). Every command that deploys
// calls record_step_deployment with what it deployed: the URL, the Cloudflare page of the
// deployment, and for a failure the class and the title. Nothing here fails a deploy:
// every problem, GitHub's refusals included, is a warning.
#pragma once

#include <string>
#include <vector>

#include "cloudflare_api.h"
#include "deployment_target.h"
#include "step_runner.h"
#include "step_session.h"

namespace cfdeploy {

/// The options that pick the environment (--github-environment, --production-branch).
struct DeploymentOptions {
  std::string environment;        // empty: production or preview, by the branch
  std::string production_branch;  // empty: the repository's default branch
};

/// What a command deployed and how it went.
struct FinishedDeploy {
  bool success = false;
  std::string url;          // the deployed URL; may be empty
  std::string log_url;      // the deployment's page; empty: the run's page
  std::string description;  // for a failure: "class: title"
  bool cancelled = false;
};

/// A Worker deploy's result: its URL, its page in the Cloudflare dashboard when the account
/// (CLOUDFLARE_ACCOUNT_ID) and the Worker are known, a failure's class and title.
FinishedDeploy finished_deploy(const StepResult& result, const std::string& account_id);

/// A Pages deploy's result, as finished_deploy's, with the Pages deployment's page in the
/// dashboard (the account, `project` and the deployment id known) as its log.
FinishedDeploy finished_pages_deploy(const StepResult& result, const std::string& account_id,
                                     const std::string& project);

/// "authorization: Token lacks a permission", or what ended a step without a finding.
std::string failure_description(const StepResult& result);

/// Records `deploy` for `event` through `github`; returns the warnings (none when it was
/// recorded) and adds a note for the recorded deployment to `notes`.
std::vector<std::string> record_deployment_for(CloudflareApi& github, const GithubEvent& event,
                                               const DeploymentOptions& options,
                                               const FinishedDeploy& deploy,
                                               std::vector<std::string>& notes);

/// With CFDEPLOY_GITHUB_TOKEN set: the event from the environment, the client at
/// GITHUB_API_URL, the deployment recorded by `deadline`, and each warning printed (as a
/// warning annotation on stdout when `github`) and each note on stderr. A step cancelled
/// by a signal is not recorded: its job is ending.
void record_step_deployment(const DeploymentOptions& options, const FinishedDeploy& deploy,
                            Deadline deadline, bool github);

}  // namespace cfdeploy
