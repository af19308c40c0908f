// Where a finding points in the project: the migration file (and line) of a
// SQL error, the configuration line of an account, config or not-found error.
// Reads the wrangler configuration and the migration files, so that reports
// only get the place.
#pragma once

#include <string>

#include "classifier.h"
#include "source_location.h"

namespace cfdeploy {

/// `file` relative to `workspace` when inside it (as the runner wants annotation paths),
/// else absolute.
std::string workspace_path(const std::string& file, const std::string& workspace);

/// Points errors at the repository: a migration error at the migration file
/// (and the line of an "at offset N" SQL error); account, config and
/// not-found errors at the line of account_id, database_id or name in the
/// wrangler configuration found from `project_dir` with `environment`.
/// Files are relative to `workspace` when inside it.
Locator project_locator(const std::string& project_dir, const std::string& environment,
                        const std::string& workspace);

}  // namespace cfdeploy
