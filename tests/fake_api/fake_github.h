// FakeGithub: the part of GitHub's REST API that records deployments, on 127.0.0.1. It is
// FakeCloudflare's rule table with GitHub's answers: POST /repos/{owner}/{repo}/deployments
// gives 201 and {"id": deployment_id, ...}, POST .../deployments/{id}/statuses gives 201 and
// the status; either can be made to refuse with a status and GitHub's {"message": ...}
// body, or to answer with something that is not JSON. Every request is recorded.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "fake_cloudflare.h"

namespace cfdeploy::testing {

struct GithubRefusal {
  int status = 403;
  std::string message = "Resource not accessible by integration";
  bool html = false;  // an HTML error page, as a proxy or an outage sends, instead of JSON
};

struct GithubScenario {
  long long deployment_id = 42;
  std::optional<GithubRefusal> deployments;  // how POST .../deployments is refused
  std::optional<GithubRefusal> statuses;     // how POST .../statuses is refused
};

/// The scenario's rules, in FakeCloudflare's format (also for the fake_cloudflare binary).
nlohmann::ordered_json github_rules(const GithubScenario& scenario);

class FakeGithub {
public:
  explicit FakeGithub(const GithubScenario& scenario = {});

  /// GITHUB_API_URL for the fake: http://127.0.0.1:PORT
  std::string api_url() const;
  std::vector<RecordedRequest> requests() const { return m_server.requests(); }

private:
  FakeCloudflare m_server;
};

}  // namespace cfdeploy::testing
