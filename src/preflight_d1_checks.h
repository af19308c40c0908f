// The D1 checks: d1-database (the database exists, and its configured id and name agree),
// the same check for a database asked for but not in the configuration, and d1-write (the
// token may query it; D1 Edit itself cannot be proven without writing).
#pragma once

#include <string>

#include "preflight_check.h"

namespace cfdeploy {

CheckResult database_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db);
CheckResult not_in_config_check(const PreflightInput& input, const std::string& name);
CheckResult d1_write_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db);

}  // namespace cfdeploy
