// A failure's diagnosis as each report shows it: JSON for the --report file, lines for the
// end-of-step summary, Markdown for the job summary (the conclusion, the checks, and a
// configuration fix as the replacement line and a diff `git apply` accepts), the sentence the
// error annotation adds, and the annotation at the configuration line to change.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "failure_diagnosis.h"
#include "workflow_commands.h"

namespace cfdeploy {

/// {kind, conclusion, could_not_check, checks: [as preflight --format json lists them]}.
nlohmann::json diagnosis_to_json(const Diagnosis& diagnosis);

/// The fix as the report's `fixes` list holds it: {kind: "config", title, file, line,
/// replacement}.
nlohmann::json config_fix_json(const ConfigFix& fix);

/// "cfdeploy: diagnosis: ..." then a line per check and the line to change, for stderr.
std::string diagnosis_text(const Diagnosis& diagnosis);

/// The job summary's "Diagnosis" section; every value escaped for where it goes.
std::string diagnosis_markdown(const Diagnosis& diagnosis);

/// A warning at the configuration line, holding the exact line to put there.
Annotation config_fix_annotation(const ConfigFix& fix);

}  // namespace cfdeploy
