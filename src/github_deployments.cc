#include "github_deployments.h"

#include "http_settings.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

// The REST API version the bodies and answers here are written for.
constexpr const char* k_github_api_version = "2022-11-28";

// What would fix a refusal, by its status; empty when nothing the user can change would.
std::string fix_for(int status) {
  switch (status) {
    case 401:
      return "the github-token was not accepted; pass a valid token such as "
             "${{ secrets.GITHUB_TOKEN }}";
    case 403:
    case 404:
      return "the github-token may not write deployments here; give the job "
             "`permissions: deployments: write`";
    case 422:
      return "GitHub refused the deployment's fields; check that the commit is pushed to the "
             "repository and that the environment name is valid";
    default:
      return "";
  }
}

Error refused(const std::string& what, const ApiResponse& answer) {
  std::string detail = answer.summary();
  std::string fix = answer.failure == TransportFailure::none ? fix_for(answer.status) : "";
  return Error{what, fix.empty() ? detail : detail + "; " + fix};
}

std::string cut(std::string text, size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  size_t end = limit - 3;
  // Never in the middle of a UTF-8 sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "...";
}

}  // namespace

json deployment_body(const DeploymentRequest& request) {
  return json{
      {"ref", request.ref},
      {"task", "deploy"},
      {"environment", request.environment},
      {"auto_merge", false},
      {"required_contexts", json::array()},
      {"transient_environment", !request.production},
      {"production_environment", request.production},
      {"description", "cfdeploy"},
  };
}

json status_body(const DeploymentStatus& status) {
  json body{{"state", status.success ? "success" : "failure"}};
  if (!status.environment_url.empty()) {
    body["environment_url"] = status.environment_url;
  }
  if (!status.log_url.empty()) {
    body["log_url"] = status.log_url;
  }
  if (!status.description.empty()) {
    body["description"] = cut(status.description, k_max_status_description);
  }
  return body;
}

Result<long long> record_deployment(CloudflareApi& github, const DeploymentRequest& request,
                                    const DeploymentStatus& status) {
  std::string path = "/repos/" + request.repository + "/deployments";
  ApiResponse created = github.post(path, deployment_body(request));
  std::string creating = "creating the GitHub deployment (POST " + path + ")";
  if (!created.ok()) {
    return refused(creating, created);
  }
  // 202 is GitHub's "merged the default branch first", which auto_merge false rules out.
  if (created.status != 201 || !created.result.is_object() || !created.result.contains("id") ||
      !created.result.at("id").is_number_integer()) {
    return Error{creating, "HTTP " + std::to_string(created.status) + " without a deployment id"};
  }
  long long id = created.result.at("id").get<long long>();
  std::string status_path = path + "/" + std::to_string(id) + "/statuses";
  ApiResponse marked = github.post(status_path, status_body(status));
  if (!marked.ok()) {
    return refused("setting the GitHub deployment's status (POST " + status_path + ")", marked);
  }
  return id;
}

Result<std::unique_ptr<CloudflareApi>> make_github_api(
    const std::string& token, const std::string& api_url,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  HttpOptions options;
  options.base_url = api_url.empty() ? k_default_github_api_url : api_url;
  options.token = token;
  options.answer_format = AnswerFormat::plain_json;
  options.accept = "application/vnd.github+json";
  options.headers = {{"X-GitHub-Api-Version", k_github_api_version}};
  options.total_timeout = k_github_request_timeout;
  options.deadline = deadline;
  options.proxy = ProxyEnvironment::from_environment();
  return make_http_api(std::move(options));
}

}  // namespace cfdeploy
