// What a finished step leaves behind: the JSON report (--report FILE) and the
// short summary printed on stderr at the end.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fix_links.h"
#include "step_runner.h"

namespace cfdeploy {

/// The `explain` fields plus attempts, exit_code, deployment_url, version_id, pages (a Pages
/// deployment's id, alias and environment, or null), migrations_applied, and
/// `fixes`: the links that make a credential fix (fix_links.h), with `run`'s pages.
nlohmann::json step_report_json(const StepResult& result, const std::vector<std::string>& command,
                                const GithubRun& run = {});

/// "wrangler d1 migrations apply DB --remote": the command as a person names it
/// (the program's file name, then its arguments).
std::string step_label(const std::vector<std::string>& argv);

/// A few lines for a person: outcome, class, the fix, attempts.
std::string step_summary_text(const StepResult& result);

}  // namespace cfdeploy
