#include "support/preflight_fixtures.h"

#include <gtest/gtest.h>

#include "catalogue.h"
#include "support/fixtures.h"

namespace cfdeploy::testing {

using nlohmann::json;

ApiResponse answer(int status, json result, std::vector<ApiMessage> errors) {
  ApiResponse response;
  response.status = status;
  response.success = status < 300;
  response.result = std::move(result);
  response.errors = std::move(errors);
  return response;
}

ApiResponse token_status(const std::string& status, const std::string& expires) {
  json result = {{"id", "t1"}, {"status", status}};
  if (!expires.empty()) {
    result["expires_on"] = expires;
  }
  return answer(200, result);
}

ScriptedApi& ScriptedApi::on(const std::string& request, ApiResponse response) {
  m_answers[request] = std::move(response);
  return *this;
}

std::vector<std::string> ScriptedApi::seen() const {
  std::lock_guard lock(m_mutex);
  return m_seen;
}

int ScriptedApi::most_in_flight() const {
  std::lock_guard lock(m_mutex);
  return m_most_in_flight;
}

ApiResponse ScriptedApi::reply(const std::string& request) {
  std::unique_lock lock(m_mutex);
  m_most_in_flight = std::max(m_most_in_flight, ++m_in_flight);
  m_changed.notify_all();
  m_changed.wait_for(lock, std::chrono::seconds(10),
                     [this] { return m_most_in_flight >= m_hold_until; });
  --m_in_flight;
  m_seen.push_back(request);
  auto found = m_answers.find(request);
  return found != m_answers.end() ? found->second
                                  : answer(404, nullptr, {{7000, "No route for that URI"}});
}

ScriptedApi& all_good(ScriptedApi& api) {
  return api.on("GET /user/tokens/verify", token_status("active"))
      .on("GET " + k_base, answer(200, {{"id", k_account}, {"name", "Lab Account"}}))
      .on("GET " + k_by_id, answer(200, {{"uuid", k_db_id}, {"name", "lab-db"}}))
      .on("GET " + k_by_name, answer(200, json::array({{{"uuid", k_db_id}, {"name", "lab-db"}}})))
      .on("POST " + k_by_id + "/query", answer(200, json::array()))
      .on("GET " + k_base + "/workers/scripts", answer(200, json::array({{{"id", "lab-worker"}}})));
}

PreflightInput input_for(const std::string& file, const std::string& environment) {
  Result<WranglerConfig> config =
      read_wrangler_config(source_path("tests/fixtures/config/" + file), environment);
  EXPECT_TRUE(config.ok());
  PreflightInput input;
  input.config = config.value();
  input.token = TokenPresence::set;
  input.account = choose_account("", &*input.config, "");
  input.databases = input.config->d1_databases;
  input.d1_write = true;
  input.workers_scripts = true;
  return input;
}

PreflightReport run_checks(CloudflareApi& api, const PreflightInput& input) {
  return run_preflight(api, input, builtin_catalogue());
}

CheckStatus status_of(const PreflightReport& report, const std::string& id) {
  const CheckResult* check = report.find(id);
  EXPECT_NE(check, nullptr) << "no check " << id;
  return check != nullptr ? check->status : CheckStatus::skipped;
}

std::string all_fixes(const CheckResult& check) {
  std::string text;
  for (const std::string& step : check.fix) {
    text += step + "\n";
  }
  return text;
}

}  // namespace cfdeploy::testing
