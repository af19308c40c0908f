// The token and account checks: token-set (a token reaches the step), token-valid (Cloudflare
// says it is active), account (the id is one the token can reach, or the one it sees) and
// workers-scripts (the token may list the account's Workers scripts).
#pragma once

#include "preflight_check.h"

namespace cfdeploy {

CheckResult token_set_check(const PreflightInput& input);
CheckResult token_valid_check(const PreflightEvidence& evidence);
CheckResult account_check(const PreflightEvidence& evidence);
CheckResult workers_scripts_check(const PreflightEvidence& evidence);

}  // namespace cfdeploy
