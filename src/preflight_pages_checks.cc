#include "preflight_pages_checks.h"

#include "api_request.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

// Pages' code for a project name the account does not have.
constexpr int k_project_not_found = 8000007;
// Enough names to recognise the intended one without flooding the report.
constexpr size_t k_max_names = 20;

// "'blog', 'docs'", or why there are no names to give.
std::string project_names(const std::optional<ApiRequest>& list) {
  if (!list || !list->response.ok() || !list->response.result.is_array()) {
    return "";
  }
  const json& projects = list->response.result;
  std::string names;
  size_t shown = 0;
  for (const json& project : projects) {
    std::string name = project.is_object() ? api_string(project, "name") : "";
    if (name.empty() || shown == k_max_names) {
      continue;
    }
    names += (names.empty() ? "'" : ", '") + name + "'";
    ++shown;
  }
  if (names.empty()) {
    return "The account has no Pages projects.";
  }
  std::string more =
      projects.size() > shown ? " and " + std::to_string(projects.size() - shown) + " more" : "";
  return "The account's Pages projects: " + names + more + ".";
}

CheckResult missing_project(CheckResult check, const PreflightEvidence& evidence,
                            const std::string& name) {
  const PreflightAnswers& answers = evidence.answers;
  record_request(check, answers.pages_projects);
  std::string names = project_names(answers.pages_projects);
  return conclude(
      check, CheckStatus::fail,
      "Pages project '" + name + "' does not exist in account " + answers.account_id + "." +
          (names.empty() ? "" : " " + names),
      {"Check --project-name against the project names above (the dashboard's Workers & Pages "
       "list); it must match exactly.",
       "If the project is new, create it once: wrangler pages project create " + name +
           " --production-branch main (wrangler does not create it without a terminal).",
       "If the project is in another account, set CLOUDFLARE_ACCOUNT_ID to that account."});
}

}  // namespace

CheckResult pages_project_check(const PreflightEvidence& evidence) {
  const std::string& name = evidence.input.pages_project;
  CheckResult check = new_check("pages-project",
                                "The Pages project exists and the token "
                                "reaches Pages");
  if (name.empty()) {
    return conclude(check, CheckStatus::skipped,
                    "Skipped: no project name; give --project-name (or `name` in the Pages "
                    "configuration).");
  }
  if (std::optional<std::string> reason = token_skip_reason(evidence)) {
    return conclude(check, CheckStatus::skipped, *reason);
  }
  const PreflightAnswers& answers = evidence.answers;
  if (!answers.pages_project) {
    return conclude(check, CheckStatus::skipped, "Skipped: no usable account id.");
  }
  record_request(check, answers.pages_project);
  const ApiResponse& response = answers.pages_project->response;
  if (response.ok()) {
    std::string branch = api_string(response.result, "production_branch");
    return conclude(check, CheckStatus::pass,
                    "Pages project '" + name + "' exists" +
                        (branch.empty() ? "" : "; its production branch is '" + branch + "'") +
                        ". No API request proves Pages Edit without deploying, so the upload "
                        "itself could not be verified.");
  }
  if (response.inconclusive()) {
    return inconclusive_check(check, response);
  }
  if (response.has_error_code(k_project_not_found)) {
    return missing_project(check, evidence, name);
  }
  check =
      conclude(check, CheckStatus::fail,
               "The API refused to show Pages project '" + name + "': " + response.summary() + ".");
  add_catalogue_fix(check, response, "/accounts/" + answers.account_id + "/pages/projects/" + name,
                    evidence.catalogue);
  return check;
}

}  // namespace cfdeploy
