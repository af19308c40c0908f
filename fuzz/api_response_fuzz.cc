// The Cloudflare API answers as preflight reads them: parse_api_response on arbitrary
// status/body pairs, then every preflight check run against an API that gives those
// answers. Nothing may throw; an answer that says nothing about the request (a 5xx, a
// 429, a body that is not Cloudflare's JSON) must never fail a check, only leave it
// "could not check"; and the reports must print.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "cloudflare_api.h"
#include "fuzz_support.h"
#include "preflight.h"
#include "preflight_report.h"
#include "wrangler_config.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

constexpr const char* k_config = R"(name = "lab-worker"
account_id = "0123456789abcdef0123456789abcdef"

[[d1_databases]]
binding = "DB"
database_name = "lab-db"
database_id = "4c9e2a9e-2f4b-4c47-9f6a-1f2e3d4c5b6a"
)";

// Each request gets one of the fuzzed answers, chosen by its method and path, so
// concurrent checks see a fixed answer whatever order they run in.
class FuzzedApi final : public CloudflareApi {
public:
  explicit FuzzedApi(std::vector<ApiResponse> answers) : m_answers(std::move(answers)) {}
  ApiResponse get(const std::string& path) override { return answer("GET " + path); }
  ApiResponse post(const std::string& path, const nlohmann::json&) override {
    return answer("POST " + path);
  }
  bool answers_at_once() const override { return true; }

private:
  ApiResponse answer(const std::string& request) const {
    return m_answers[std::hash<std::string>{}(request) % m_answers.size()];
  }
  std::vector<ApiResponse> m_answers;
};

ApiResponse fuzzed_answer(FuzzedDataProvider& input) {
  int status = input.ConsumeIntegralInRange(100, 599);
  std::string type = input.ConsumeBool() ? "application/json" : "text/html";
  std::string body = input.ConsumeRandomLengthString(2048);
  ApiResponse response = parse_api_response(status, body, type);
  check(response.status == status, "the status is kept");
  check(!response.summary().empty(), "every answer has a summary");
  if (response.failure == TransportFailure::bad_body) {
    check(response.inconclusive(), "a body that is not Cloudflare's JSON is inconclusive");
  }
  return response;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const WranglerConfig config =
      parse_wrangler_config(k_config, ConfigFormat::toml, "wrangler.toml", "").value();
  FuzzedDataProvider input(data, size);
  std::vector<ApiResponse> answers;
  bool all_inconclusive = true;
  size_t count = input.ConsumeIntegralInRange<size_t>(1, 6);
  for (size_t i = 0; i < count; ++i) {
    answers.push_back(fuzzed_answer(input));
    all_inconclusive = all_inconclusive && answers.back().inconclusive();
  }

  PreflightInput preflight;
  preflight.config = config;
  preflight.token = TokenPresence::set;
  preflight.account = choose_account("", &config, "");
  preflight.databases = config.d1_databases;
  preflight.d1_write = true;
  preflight.workers_scripts = true;
  FuzzedApi api(std::move(answers));
  PreflightReport report = run_preflight(api, preflight, builtin_catalogue());

  check(!report.checks.empty(), "the report lists its checks");
  if (all_inconclusive) {
    for (const CheckResult& result : report.checks) {
      check(result.status != CheckStatus::fail, "an inconclusive answer fails no check");
    }
  }
  std::string text = preflight_to_text(report);
  std::string json =
      preflight_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  check(!text.empty() && !json.empty(), "the report prints");
  return 0;
}
