// The D1 checks: d1-database (the database exists, and its configured id and name agree),
// the same check for a database asked for but not in the configuration, and d1-write (the
// token may query it; D1 Edit itself cannot be proven without writing).
#pragma once

#include <optional>
#include <string>

#include "preflight_check.h"

namespace cfdeploy {

/// The id the by-name answer gives for database `name`, when it names one.
std::optional<std::string> database_id_by_name(const DatabaseAnswers& answers,
                                               const std::string& name);

CheckResult database_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db);
CheckResult not_in_config_check(const PreflightInput& input, const std::string& name);
CheckResult d1_write_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db);

}  // namespace cfdeploy
