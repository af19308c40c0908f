// The pages-project check: the Cloudflare Pages project a `pages` step deploys to exists in
// the account, and the token reaches Pages there; when the project is missing, the names of
// the account's projects say which one was meant.
#pragma once

#include "preflight.h"
#include "preflight_check.h"

namespace cfdeploy {

/// Judges GET /accounts/{a}/pages/projects/{name}, with GET /accounts/{a}/pages/projects for
/// the names when it is missing.
CheckResult pages_project_check(const PreflightEvidence& evidence);

}  // namespace cfdeploy
