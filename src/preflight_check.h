// What every preflight check is built from: the evidence it judges (the input, the API's
// answers, the catalogue) and the few ways a check's result is put together, so the token,
// account and D1 checks word the common cases the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "preflight.h"
#include "preflight_requests.h"

namespace cfdeploy {

/// What the checks judge. Held by reference for the length of one run.
struct PreflightEvidence {
  const PreflightInput& input;
  const PreflightAnswers& answers;
  const Catalogue& catalogue;  // advice for an API error answer
};

/// A check with its stable id and its title, not judged yet.
CheckResult new_check(std::string id, std::string title);

/// `check` judged: its status, what was found, and what to do (added to any fix it has).
CheckResult conclude(CheckResult check, CheckStatus status, std::string detail,
                     std::vector<std::string> fix = {});

/// Lists a request that was sent among the check's requests.
void record_request(CheckResult& check, const std::optional<ApiRequest>& request);

/// The API error code, and the catalogue's advice for the answer (7403, 10000, 9109,
/// 7404, ...), to `check`. `path` is the API path the answer came from.
void add_catalogue_fix(CheckResult& check, const ApiResponse& response, const std::string& path,
                       const Catalogue& catalogue);

/// "Could not check": the API did not answer usably (a 5xx, a timeout, a cancellation...).
CheckResult inconclusive_check(CheckResult check, const ApiResponse& response);

/// A read-only probe of a permission: 200 proves only `proven` ("could not check"), a refusal
/// fails with the catalogue's advice.
CheckResult probe_check(CheckResult check, const ApiResponse& response, const std::string& path,
                        const std::string& proven, const Catalogue& catalogue);

/// Why a check that needs the API is skipped: no usable token, or one Cloudflare refused.
std::optional<std::string> token_skip_reason(const PreflightEvidence& evidence);

}  // namespace cfdeploy
