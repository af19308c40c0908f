// `preflight --format github`: the report as the runner expects it, with an
// error annotation per failed check (at the configuration line to fix), a
// warning per check that could not be made, step outputs and a job summary.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "preflight.h"
#include "workflow_commands.h"

namespace cfdeploy {

/// Annotations for the report, failures first, within the runner's limits.
std::vector<Annotation> preflight_annotations(const PreflightReport& report);

/// The job summary: a table of every check and the fixes for the failed ones.
std::string preflight_summary_markdown(const PreflightReport& report);

/// Prints `text` (the report for people) where nothing in it can act as a
/// command, then the annotations, outputs and summary.
void report_preflight_to_github(const PreflightReport& report, const std::string& text,
                                const std::vector<std::string>& secrets, std::ostream& out);

}  // namespace cfdeploy
