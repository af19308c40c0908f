#include "preflight_check.h"

namespace cfdeploy {

CheckResult new_check(std::string id, std::string title) {
  CheckResult check;
  check.id = std::move(id);
  check.title = std::move(title);
  return check;
}

CheckResult conclude(CheckResult check, CheckStatus status, std::string detail,
                     std::vector<std::string> fix) {
  check.status = status;
  check.detail = std::move(detail);
  check.fix.insert(check.fix.end(), fix.begin(), fix.end());
  return check;
}

void record_request(CheckResult& check, const std::optional<ApiRequest>& request) {
  if (request) {
    check.requests.push_back(request->line);
  }
}

void add_catalogue_fix(CheckResult& check, const ApiResponse& response, const std::string& path,
                       const Catalogue& catalogue) {
  check.code = response.error_code();
  const CatalogueEntry* entry = catalogue.best_match(
      ErrorFacts{response.error_code(), path, response.status, response.summary()});
  if (entry != nullptr) {
    check.fix.insert(check.fix.end(), entry->guidance.begin(), entry->guidance.end());
  }
}

CheckResult inconclusive_check(CheckResult check, const ApiResponse& response) {
  std::vector<std::string> fix = {
      "This says nothing about the token or the configuration: re-run, and if it persists "
      "check https://www.cloudflarestatus.com and the runner's network."};
  if (response.failure == TransportFailure::cancelled) {
    fix = {"Preflight was cancelled before this answer came; re-run it to check."};
  } else if (response.failure == TransportFailure::tls) {
    fix.emplace_back("If a proxy intercepts HTTPS, trust its CA with --ca-file or SSL_CERT_FILE.");
  } else if (response.failure == TransportFailure::connection_refused ||
             response.failure == TransportFailure::too_large) {
    fix.emplace_back("Check CLOUDFLARE_API_BASE_URL and HTTPS_PROXY/NO_PROXY if they are set.");
  }
  return conclude(std::move(check), CheckStatus::could_not_check,
                  "Could not check: " + response.summary() + ".", fix);
}

CheckResult probe_check(CheckResult check, const ApiResponse& response, const std::string& path,
                        const std::string& proven, const Catalogue& catalogue) {
  if (response.ok()) {
    return conclude(check, CheckStatus::could_not_check, proven);
  }
  if (response.inconclusive()) {
    return inconclusive_check(check, response);
  }
  check =
      conclude(check, CheckStatus::fail, "The API refused the probe: " + response.summary() + ".");
  add_catalogue_fix(check, response, path, catalogue);
  return check;
}

std::optional<std::string> token_skip_reason(const PreflightEvidence& evidence) {
  const PreflightInput& input = evidence.input;
  if (input.token != TokenPresence::set || !input.token_problem.empty()) {
    return "Skipped: there is no usable API token.";
  }
  const std::optional<TokenState>& token = evidence.answers.token;
  TokenStatus status = token ? token->status : TokenStatus::unknown;
  if (status == TokenStatus::invalid || status == TokenStatus::expired ||
      status == TokenStatus::disabled) {
    return "Skipped: the token is " + std::string(to_string(status)) + ".";
  }
  return std::nullopt;
}

}  // namespace cfdeploy
