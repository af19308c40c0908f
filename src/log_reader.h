// Classifying a saved log: reads a file (or standard input) in fixed-size
// chunks through the line splitter into the classifier.
#pragma once

#include <cstdio>
#include <string>

#include "classifier.h"
#include "error.h"

namespace cfdeploy {

/// Classifies everything readable from `file`; `name` is used in errors.
/// `known_failed`: the step is known to have failed, so the verdict is never ok.
Result<Verdict> classify_stream(std::FILE* file, const std::string& name,
                                const Catalogue& catalogue, bool known_failed = false);

/// Classifies the log at `path`, or standard input when `path` is "-".
Result<Verdict> classify_log(const std::string& path, const Catalogue& catalogue,
                             bool known_failed = false);

}  // namespace cfdeploy
