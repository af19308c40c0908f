// Findings and verdicts built from the real catalogue, for tests of what is
// reported about them.
#pragma once

#include <optional>
#include <string>

#include "classifier.h"

namespace cfdeploy::testing {

/// The finding the classifier would make of an error with this code, API
/// path and text, at log line `line` (the unknown entry when nothing matches).
Finding finding_for(std::optional<int> code, const std::string& resource, const std::string& text,
                    size_t line = 8);

/// A failed verdict whose cause is that finding.
Verdict failed_with(std::optional<int> code, const std::string& resource, const std::string& text,
                    size_t line = 8);

}  // namespace cfdeploy::testing
