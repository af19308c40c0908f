// Which GitHub environment and commit a deploy is recorded for, chosen as pages-action and
// wrangler-action choose: `production` on the production branch (the repository's default
// branch unless one is named), `preview` on any other branch and on every pull request,
// or the environment asked for. A pull request's deployment is for its head commit, not
// the merge commit GITHUB_SHA names.
#pragma once

#include <string>

namespace cfdeploy {

/// What the run's environment and event payload say about the commit.
struct GithubEvent {
  std::string repository;      // GITHUB_REPOSITORY, owner/name
  std::string sha;             // GITHUB_SHA
  std::string branch;          // the pull request's head branch, else GITHUB_REF_NAME
  bool pull_request = false;   // a pull_request or pull_request_target event
  std::string head_sha;        // the pull request's head commit, from the payload
  std::string default_branch;  // the repository's, from the payload
};

/// GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_EVENT_NAME, GITHUB_HEAD_REF, GITHUB_REF_NAME and
/// the payload at GITHUB_EVENT_PATH (read when it is there, up to 16 MiB).
GithubEvent github_event_from_env();

/// The facts read from an event payload's text (`pull_request.head.sha`,
/// `repository.default_branch`) added to `event`; a payload that is not JSON adds nothing.
GithubEvent with_payload(GithubEvent event, const std::string& payload);

struct EnvironmentChoice {
  std::string name;
  bool production = false;
};

/// `asked` when it is not empty (production when it is "production"); otherwise production
/// on `production_branch` (the default branch when empty) outside a pull request, preview
/// elsewhere.
EnvironmentChoice choose_environment(const GithubEvent& event, const std::string& asked,
                                     const std::string& production_branch);

/// The commit to record: a pull request's head, else GITHUB_SHA.
std::string deployment_ref(const GithubEvent& event);

}  // namespace cfdeploy
