// A failed step's diagnosis (failure_diagnosis) from the environment: the project read as the
// step's preflight would read it, the token, base URL, CA file and proxies as the token check
// takes them, every request within what is left of the step's --timeout and ended at once by
// a cancellation. A configuration fix names its file relative to GITHUB_WORKSPACE when inside.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cancellation.h"
#include "failure_diagnosis.h"

namespace cfdeploy {

/// Where the step ran and what it touched, for reading its configuration.
struct StepProject {
  std::string directory;    // the step's -C; empty: the current directory
  std::string environment;  // wrangler's --env
  std::string database;     // migrate's DATABASE; empty for other steps
};

/// Diagnoses `finding` (diagnosis_kind must give a kind). When the API cannot be reached at
/// all, the diagnosis says "could not check" and why.
Diagnosis diagnose_step_failure(const Finding& finding, const StepProject& project,
                                std::optional<std::chrono::milliseconds> time_left,
                                Cancellation* cancellation);

}  // namespace cfdeploy
