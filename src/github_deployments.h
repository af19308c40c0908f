// A finished deploy recorded as a GitHub Deployment over the REST API: one deployment for
// the commit and the environment, then one status (success or failure) with the deployed
// URL and the log's. The requests go through the CloudflareApi interface, the JSON client
// make_http_api builds, so tests can put a fake GitHub behind it. GitHub's refusals come
// back as Errors, which callers report as warnings: a deploy never fails because of them.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cloudflare_api.h"
#include "error.h"

namespace cfdeploy {

inline constexpr const char* k_default_github_api_url = "https://api.github.com";

inline constexpr std::chrono::milliseconds k_github_request_timeout{10000};

/// GitHub cuts a status's description at 140 characters.
inline constexpr size_t k_max_status_description = 140;

/// What is deployed where.
struct DeploymentRequest {
  std::string repository;   // owner/name
  std::string ref;          // the commit deployed
  std::string environment;  // "production", "preview", or the one asked for
  bool production = false;  // a production environment; any other is transient
};

/// How it went.
struct DeploymentStatus {
  bool success = false;
  std::string environment_url;  // the deployed URL; may be empty
  std::string log_url;          // where to read about the deployment; may be empty
  std::string description;      // cut to k_max_status_description
};

/// The bodies of POST /repos/{owner}/{repo}/deployments and of its statuses.
nlohmann::json deployment_body(const DeploymentRequest& request);
nlohmann::json status_body(const DeploymentStatus& status);

/// Creates the deployment and then its status; the deployment's id, or an Error saying
/// which request GitHub refused, its answer and what would fix it.
Result<long long> record_deployment(CloudflareApi& github, const DeploymentRequest& request,
                                    const DeploymentStatus& status);

/// The HTTPS client for GitHub's REST API at `api_url` (GITHUB_API_URL on GitHub Enterprise
/// Server), through the proxy the environment names, with GitHub's media type and API
/// version; each request ends within k_github_request_timeout, and by `deadline` when set.
Result<std::unique_ptr<CloudflareApi>> make_github_api(
    const std::string& token, const std::string& api_url,
    std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace cfdeploy
