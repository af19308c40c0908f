#include "step_deployment.h"

#include <algorithm>
#include <iostream>

#include "api_request.h"
#include "diagnostics.h"
#include "environment.h"
#include "fix_links.h"
#include "github_deployments.h"
#include "secrets.h"
#include "workflow_commands.h"

namespace cfdeploy {
namespace {

// The Worker's page in the dashboard, only from values that fit their shapes.
std::string dashboard_url(const std::string& account_id, const std::string& worker) {
  bool worker_name =
      !worker.empty() && worker.size() <= 63 &&
      std::all_of(worker.begin(), worker.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (!is_account_id(account_id) || !worker_name) {
    return "";
  }
  return "https://dash.cloudflare.com/" + account_id + "/workers/services/view/" + worker +
         "/production/deployments";
}

bool is_url_segment(const std::string& text, size_t max_size) {
  return !text.empty() && text.size() <= max_size &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// The Pages deployment's page in the dashboard, only from values that fit their shapes.
std::string pages_dashboard_url(const std::string& account_id, const std::string& project,
                                const std::string& deployment_id) {
  if (!is_account_id(account_id) || !is_url_segment(project, 58) ||
      !is_url_segment(deployment_id, 64)) {
    return "";
  }
  return "https://dash.cloudflare.com/" + account_id + "/pages/view/" + project + "/" +
         deployment_id;
}

}  // namespace

std::string failure_description(const StepResult& result) {
  if (result.cancelled_by != 0) {
    return "cancelled by signal " + std::to_string(result.cancelled_by);
  }
  if (result.verdict.primary) {
    const CatalogueEntry& entry = *result.verdict.primary->entry;
    return std::string(to_string(entry.failure_class)) + ": " + entry.title;
  }
  if (result.timed_out) {
    return "timed out";
  }
  return "failed with exit status " + std::to_string(result.exit_code);
}

FinishedDeploy finished_deploy(const StepResult& result, const std::string& account_id) {
  FinishedDeploy deploy;
  deploy.success = result.ok();
  deploy.url = result.deployment_url;
  deploy.log_url = dashboard_url(account_id, result.worker_name);
  deploy.description = result.ok() ? "Deployed by cfdeploy" : failure_description(result);
  deploy.cancelled = result.cancelled_by != 0;
  return deploy;
}

FinishedDeploy finished_pages_deploy(const StepResult& result, const std::string& account_id,
                                     const std::string& project) {
  FinishedDeploy deploy = finished_deploy(result, account_id);
  deploy.log_url = pages_dashboard_url(account_id, project, result.pages.deployment_id);
  return deploy;
}

std::vector<std::string> record_deployment_for(CloudflareApi& github, const GithubEvent& event,
                                               const DeploymentOptions& options,
                                               const FinishedDeploy& deploy,
                                               std::vector<std::string>& notes) {
  if (!is_repository_name(event.repository)) {
    return {"the GitHub deployment was not recorded: GITHUB_REPOSITORY ('" + event.repository +
            "') is not owner/name; it is set on a GitHub Actions runner"};
  }
  std::string ref = deployment_ref(event);
  if (ref.empty()) {
    return {
        "the GitHub deployment was not recorded: GITHUB_SHA is not set; it is set on a "
        "GitHub Actions runner"};
  }
  EnvironmentChoice environment =
      choose_environment(event, options.environment, options.production_branch);
  DeploymentRequest request{event.repository, ref, environment.name, environment.production};
  std::string log_url = deploy.log_url;
  if (log_url.empty()) {
    log_url = run_page_url(github_run_from_env()).value_or("");
  }
  DeploymentStatus status{deploy.success, deploy.url, log_url, deploy.description};
  Result<long long> id = record_deployment(github, request, status);
  if (!id) {
    return {"the GitHub deployment was not recorded (the deploy itself is not affected): " +
            id.error().message()};
  }
  notes.push_back("recorded GitHub deployment " + std::to_string(id.value()) + " (" +
                  environment.name + ", " + (deploy.success ? "success" : "failure") + ")");
  return {};
}

void record_step_deployment(const DeploymentOptions& options, const FinishedDeploy& deploy,
                            Deadline deadline, bool github) {
  std::string token = trim_http_whitespace(env_or_empty(k_github_token_variable));
  if (token.empty() || deploy.cancelled) {
    return;
  }
  auto warn = [github](const std::string& message) {
    if (github) {
      std::cout << annotation_command({AnnotationLevel::warning,
                                       "cfdeploy: GitHub deployment not recorded", "", 0, message})
                << std::flush;
    } else {
      print_warning(message);
    }
  };
  if (token.size() < k_min_secret_length) {
    warn(std::string("the GitHub deployment was not recorded: ") + k_github_token_variable +
         " is too short to be a GitHub token");
    return;
  }
  Result<std::unique_ptr<CloudflareApi>> api =
      make_github_api(token, env_or_empty("GITHUB_API_URL"), deadline);
  if (!api) {
    warn("the GitHub deployment was not recorded: " + api.error().message());
    return;
  }
  std::vector<std::string> notes;
  for (const std::string& warning :
       record_deployment_for(*api.value(), github_event_from_env(), options, deploy, notes)) {
    warn(warning);
  }
  for (const std::string& note : notes) {
    print_note(note);
  }
}

}  // namespace cfdeploy
