// What a finished step leaves behind: the JSON report (--report FILE) and the
// short summary printed on stderr at the end.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "step_runner.h"

namespace cfdeploy {

/// The `explain` fields plus attempts, exit_code, deployment_url, migrations_applied.
nlohmann::json step_report_json(const StepResult& result, const std::vector<std::string>& command);

/// A few lines for a person: outcome, class, the fix, attempts.
std::string step_summary_text(const StepResult& result);

}  // namespace cfdeploy
