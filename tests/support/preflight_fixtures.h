// What the preflight tests share: a CloudflareApi scripted per request, the answers of a
// scenario where everything is right, an input read from the fixture configuration, and
// ways to read a report.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cloudflare_api.h"
#include "preflight.h"

namespace cfdeploy::testing {

inline const std::string k_account = "0123456789abcdef0123456789abcdef";
inline const std::string k_db_id = "11111111-2222-3333-4444-555555555555";
inline const std::string k_other_id = "99999999-8888-7777-6666-555555555555";
inline const std::string k_base = "/accounts/" + k_account;
inline const std::string k_by_id = k_base + "/d1/database/" + k_db_id;
inline const std::string k_by_name = k_base + "/d1/database?name=lab-db";

ApiResponse answer(int status, nlohmann::json result, std::vector<ApiMessage> errors = {});

/// A 200 from /user/tokens/verify with the token's status.
ApiResponse token_status(const std::string& status, const std::string& expires = "");

/// Answers by "METHOD path"; anything unscripted gets the API's 404 (code 7000).
class ScriptedApi final : public CloudflareApi {
public:
  ScriptedApi& on(const std::string& request, ApiResponse response);
  ApiResponse get(const std::string& path) override { return reply("GET " + path); }
  ApiResponse post(const std::string& path, const nlohmann::json&) override {
    return reply("POST " + path);
  }
  std::vector<std::string> seen() const;
  /// Holds each request until `count` are in flight at once (or 10 s pass), so a test
  /// can tell concurrent requests from sequential ones without timing them.
  void hold_until_in_flight(int count) { m_hold_until = count; }
  int most_in_flight() const;

private:
  ApiResponse reply(const std::string& request);
  std::map<std::string, ApiResponse> m_answers;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_hold_until = 0;
  int m_in_flight = 0;
  int m_most_in_flight = 0;
  std::vector<std::string> m_seen;
};

/// Everything right: an active user token, the account, lab-db with the configured id.
ScriptedApi& all_good(ScriptedApi& api);

/// A token that is set, the account and databases of a config under tests/fixtures/config,
/// and both probes.
PreflightInput input_for(const std::string& file = "toml/wrangler.toml",
                         const std::string& environment = "");

/// run_preflight with the built-in catalogue.
PreflightReport run_checks(CloudflareApi& api, const PreflightInput& input);

CheckStatus status_of(const PreflightReport& report, const std::string& id);

/// A check's fix steps, one a line.
std::string all_fixes(const CheckResult& check);

}  // namespace cfdeploy::testing
