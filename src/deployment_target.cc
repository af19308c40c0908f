#include "deployment_target.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "environment.h"
#include "json_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

constexpr size_t k_max_payload_bytes = size_t{16} << 20;
// A payload nests a few levels; a far deeper one is not GitHub's.
constexpr int k_max_payload_depth = 64;

std::string string_at(const json& root, const json::json_pointer& pointer) {
  if (!root.contains(pointer) || !root.at(pointer).is_string()) {
    return "";
  }
  return root.at(pointer).get<std::string>();
}

std::string read_payload(const std::string& path) {
  if (path.empty()) {
    return "";
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(k_max_payload_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

}  // namespace

GithubEvent with_payload(GithubEvent event, const std::string& payload) {
  if (payload.empty() || json_nesting_past(payload, k_max_payload_depth)) {
    return event;
  }
  json root = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) {
    return event;
  }
  event.head_sha = string_at(root, json::json_pointer("/pull_request/head/sha"));
  event.default_branch = string_at(root, json::json_pointer("/repository/default_branch"));
  return event;
}

GithubEvent github_event_from_env() {
  GithubEvent event;
  event.repository = env_or_empty("GITHUB_REPOSITORY");
  event.sha = env_or_empty("GITHUB_SHA");
  std::string name = env_or_empty("GITHUB_EVENT_NAME");
  event.pull_request = name == "pull_request" || name == "pull_request_target";
  std::string head = env_or_empty("GITHUB_HEAD_REF");
  event.branch = head.empty() ? env_or_empty("GITHUB_REF_NAME") : head;
  return with_payload(std::move(event), read_payload(env_or_empty("GITHUB_EVENT_PATH")));
}

EnvironmentChoice choose_environment(const GithubEvent& event, const std::string& asked,
                                     const std::string& production_branch) {
  if (!asked.empty()) {
    return {asked, asked == "production"};
  }
  const std::string& production =
      production_branch.empty() ? event.default_branch : production_branch;
  bool on_production = !event.pull_request && !production.empty() && event.branch == production;
  return on_production ? EnvironmentChoice{"production", true}
                       : EnvironmentChoice{"preview", false};
}

std::string deployment_ref(const GithubEvent& event) {
  return event.pull_request && !event.head_sha.empty() ? event.head_sha : event.sha;
}

}  // namespace cfdeploy
