// Preflight's order of work: the checks that need no request, every request at once
// (preflight_requests), then the checks over the answers, in the report's order.
#include "preflight.h"

#include <algorithm>
#include <cctype>

#include "preflight_check.h"
#include "preflight_d1_checks.h"
#include "preflight_pages_checks.h"
#include "preflight_requests.h"
#include "preflight_token_checks.h"

namespace cfdeploy {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<SourceLocation> location_in(const Error& error) {
  size_t colon = error.context.rfind(':');
  if (colon == std::string::npos || colon + 1 >= error.context.size() ||
      !std::all_of(error.context.begin() + static_cast<long>(colon) + 1, error.context.end(),
                   ::isdigit)) {
    return std::nullopt;
  }
  return SourceLocation{error.context.substr(0, colon), std::stoi(error.context.substr(colon + 1))};
}

CheckResult config_check(const PreflightInput& input) {
  CheckResult check = new_check("config", "The Wrangler configuration is readable");
  if (input.config_error) {
    check.where = location_in(*input.config_error);
    return conclude(check, CheckStatus::fail, input.config_error->message(),
                    {"Fix the file at the place named; wrangler would stop on it too."});
  }
  if (!input.config) {
    return conclude(check, CheckStatus::skipped,
                    "No wrangler.json, wrangler.jsonc or wrangler.toml in '" +
                        input.searched_directory + "' or its parents.");
  }
  const WranglerConfig& config = *input.config;
  std::string detail =
      "Read " + config.path + " (" +
      (config.environment.empty() ? "top level" : "environment \"" + config.environment + "\"") +
      "): " + std::to_string(config.d1_databases.size()) + " D1 database(s).";
  for (const std::string& warning : config.warnings) {
    detail += " Note: " + warning + ".";
  }
  return conclude(check, CheckStatus::pass, detail);
}

std::vector<CheckResult> all_checks(CloudflareApi& api, const PreflightInput& input,
                                    const Catalogue& catalogue) {
  std::vector<CheckResult> checks = {config_check(input), token_set_check(input)};
  PreflightAnswers answers = ask_cloudflare(api, input);
  PreflightEvidence evidence{input, answers, catalogue};
  checks.push_back(token_valid_check(evidence));
  checks.push_back(account_check(evidence));
  for (const D1DatabaseConfig& db : input.databases) {
    checks.push_back(database_check(evidence, db));
  }
  for (const std::string& name : input.missing_databases) {
    checks.push_back(not_in_config_check(input, name));
  }
  for (const D1DatabaseConfig& db :
       input.d1_write ? input.databases : std::vector<D1DatabaseConfig>{}) {
    checks.push_back(d1_write_check(evidence, db));
  }
  if (input.workers_scripts) {
    checks.push_back(workers_scripts_check(evidence));
  }
  if (input.pages) {
    checks.push_back(pages_project_check(evidence));
  }
  return checks;
}

}  // namespace

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass:
      return "pass";
    case CheckStatus::fail:
      return "fail";
    case CheckStatus::skipped:
      return "skipped";
    case CheckStatus::could_not_check:
      break;
  }
  return "could not check";
}

std::string_view status_mark(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass:
      return "\xE2\x9C\x85 pass";
    case CheckStatus::fail:
      return "\xE2\x9D\x8C fail";
    case CheckStatus::skipped:
      return "skipped";
    case CheckStatus::could_not_check:
      break;
  }
  return "\xE2\x9A\xA0\xEF\xB8\x8F could not check";
}

bool PreflightReport::ok() const {
  return std::none_of(checks.begin(), checks.end(),
                      [](const CheckResult& check) { return check.status == CheckStatus::fail; });
}

bool PreflightReport::token_unverified() const {
  const CheckResult* token = find("token-valid");
  return token != nullptr && token->status == CheckStatus::could_not_check;
}

const CheckResult* PreflightReport::find(std::string_view id) const {
  auto found = std::find_if(checks.begin(), checks.end(),
                            [id](const CheckResult& check) { return check.id == id; });
  return found == checks.end() ? nullptr : &*found;
}

AccountChoice choose_account(const std::string& flag, const WranglerConfig* config,
                             const std::string& environment_value) {
  AccountChoice choice;
  if (!flag.empty()) {
    choice.id = flag;
    choice.origin = "--account-id";
  } else if (config != nullptr && config->account_id.present()) {
    choice.id = config->account_id.value;
    choice.origin = "account_id";
    choice.where = config->account_id.where;
    if (!environment_value.empty() && environment_value != choice.id) {
      choice.overridden = environment_value;
    }
  } else if (!environment_value.empty()) {
    choice.id = environment_value;
    choice.origin = "CLOUDFLARE_ACCOUNT_ID";
  }
  return choice;
}

PreflightReport run_preflight(CloudflareApi& api, const PreflightInput& input,
                              const Catalogue& catalogue) {
  Clock::time_point start = Clock::now();
  PreflightReport report;
  try {
    report.checks = all_checks(api, input, catalogue);
  } catch (const std::exception& e) {  // a bug, or no memory: report it, do not crash the step
    report.checks.push_back(conclude(new_check("preflight", "Preflight ran"),
                                     CheckStatus::could_not_check,
                                     std::string("Preflight stopped: ") + e.what() + "."));
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return report;
}

}  // namespace cfdeploy
