// The pages-project check against a scripted API.
#include "preflight_pages_checks.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

const std::string k_project = "GET " + k_base + "/pages/projects/lab-site";
const std::string k_projects = "GET " + k_base + "/pages/projects";

// The Pages step's checks: no D1 database, no Workers script.
PreflightInput pages_input(const std::string& project = "lab-site") {
  PreflightInput input = input_for();
  input.databases.clear();
  input.d1_write = false;
  input.workers_scripts = false;
  input.pages = true;
  input.pages_project = project;
  return input;
}

ScriptedApi& with_projects(ScriptedApi& api) {
  return all_good(api).on(
      k_projects, answer(200, json::array({{{"name", "blog"}}, {{"name", "lab-site-v2"}}})));
}

TEST(PreflightPagesChecks, AnExistingProjectPassesAndNamesItsProductionBranch) {
  ScriptedApi api;
  with_projects(api).on(k_project,
                        answer(200, {{"name", "lab-site"}, {"production_branch", "main"}}));
  PreflightReport report = run_checks(api, pages_input());
  const CheckResult& check = *report.find("pages-project");
  EXPECT_EQ(check.status, CheckStatus::pass);
  EXPECT_NE(check.detail.find("its production branch is 'main'"), std::string::npos)
      << check.detail;
  EXPECT_EQ(report.find("workers-scripts"), nullptr);
  EXPECT_TRUE(report.ok());
}

TEST(PreflightPagesChecks, AMissingProjectFailsAndListsTheAccountsProjects) {
  ScriptedApi api;
  with_projects(api).on(k_project, answer(404, nullptr, {{8000007, "Project not found."}}));
  PreflightReport report = run_checks(api, pages_input());
  const CheckResult& check = *report.find("pages-project");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_NE(check.detail.find("'lab-site' does not exist in account " + k_account),
            std::string::npos)
      << check.detail;
  EXPECT_NE(check.detail.find("The account's Pages projects: 'blog', 'lab-site-v2'."),
            std::string::npos)
      << check.detail;
  EXPECT_NE(all_fixes(check).find("wrangler pages project create lab-site"), std::string::npos);
  EXPECT_EQ(check.requests.size(), 2u);
}

TEST(PreflightPagesChecks, AnAccountWithoutProjectsSaysSo) {
  ScriptedApi api;
  all_good(api)
      .on(k_project, answer(404, nullptr, {{8000007, "Project not found."}}))
      .on(k_projects, answer(200, json::array()));
  PreflightReport report = run_checks(api, pages_input());
  const CheckResult& check = *report.find("pages-project");
  EXPECT_NE(check.detail.find("The account has no Pages projects."), std::string::npos);
}

TEST(PreflightPagesChecks, ATokenThatCannotReachPagesFailsWithPagesEdit) {
  ScriptedApi api;
  all_good(api)
      .on(k_project, answer(403, nullptr,
                            {{7403,
                              "The given account is not valid or is not authorized to access "
                              "this service"}}))
      .on(k_projects, answer(403, nullptr, {{7403, "not authorized"}}));
  PreflightReport report = run_checks(api, pages_input());
  const CheckResult& check = *report.find("pages-project");
  EXPECT_EQ(check.status, CheckStatus::fail);
  EXPECT_EQ(check.code, 7403);
  EXPECT_NE(all_fixes(check).find("Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit"),
            std::string::npos)
      << all_fixes(check);
}

TEST(PreflightPagesChecks, AServerErrorCouldNotCheck) {
  ScriptedApi api;
  with_projects(api).on(k_project, answer(500, nullptr, {{8000000, "An unknown error occurred."}}));
  PreflightReport report = run_checks(api, pages_input());
  EXPECT_EQ(status_of(report, "pages-project"), CheckStatus::could_not_check);
  EXPECT_TRUE(report.ok());
}

TEST(PreflightPagesChecks, NoProjectNameIsSkippedAndAsksNothing) {
  ScriptedApi api;
  with_projects(api);
  PreflightReport report = run_checks(api, pages_input(""));
  EXPECT_EQ(status_of(report, "pages-project"), CheckStatus::skipped);
  for (const std::string& request : api.seen()) {
    EXPECT_EQ(request.find("/pages/"), std::string::npos) << request;
  }
}

TEST(PreflightPagesChecks, AnInvalidTokenSkipsTheProject) {
  ScriptedApi api;
  with_projects(api).on("GET /user/tokens/verify", token_status("expired"));
  EXPECT_EQ(status_of(run_checks(api, pages_input()), "pages-project"), CheckStatus::skipped);
}

}  // namespace
}  // namespace cfdeploy
