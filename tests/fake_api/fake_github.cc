#include "fake_github.h"

namespace cfdeploy::testing {
namespace {

using nlohmann::ordered_json;

ordered_json refusal_rule(const std::string& path, const GithubRefusal& refusal) {
  ordered_json rule{{"method", "POST"}, {"path", path}, {"status", refusal.status}};
  if (refusal.html) {
    rule["text"] = "<html><body><h1>" + refusal.message + "</h1></body></html>";
    rule["content_type"] = "text/html";
  } else {
    rule["json"] =
        ordered_json{{"message", refusal.message},
                     {"documentation_url", "https://docs.github.com/rest/deployments/deployments"},
                     {"status", std::to_string(refusal.status)}};
  }
  return rule;
}

}  // namespace

ordered_json github_rules(const GithubScenario& scenario) {
  std::string id = std::to_string(scenario.deployment_id);
  std::string deployments = "/repos/*/*/deployments";
  std::string statuses = "/repos/*/*/deployments/" + id + "/statuses";
  ordered_json rules = ordered_json::array();
  rules.push_back(scenario.deployments
                      ? refusal_rule(deployments, *scenario.deployments)
                      : ordered_json{{"method", "POST"},
                                     {"path", deployments},
                                     {"status", 201},
                                     {"json",
                                      {{"id", scenario.deployment_id},
                                       {"sha", "0000000000000000000000000000000000000000"},
                                       {"task", "deploy"}}}});
  rules.push_back(scenario.statuses ? refusal_rule(statuses, *scenario.statuses)
                                    : ordered_json{{"method", "POST"},
                                                   {"path", statuses},
                                                   {"status", 201},
                                                   {"json", {{"id", 1}, {"state", "success"}}}});
  return ordered_json{{"rules", rules}};
}

FakeGithub::FakeGithub(const GithubScenario& scenario) : m_server(github_rules(scenario)) {
  m_server.start();
}

std::string FakeGithub::api_url() const {
  return "http://127.0.0.1:" + std::to_string(m_server.port());
}

}  // namespace cfdeploy::testing
