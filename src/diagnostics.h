// cfdeploy's own messages on stderr, each with one recognisable prefix.
//
// They go outside the stop-commands window and quote argv, paths and option
// values, so each message is redacted (secrets.h) and then printed as one
// line with escape_log_line: a quoted value can neither start a line nor hold
// a `##[command]` that the runner would act on.
#pragma once

#include <string>

#include "secrets.h"

namespace cfdeploy {

void print_error(const std::string& message);    // "cfdeploy: error: …"
void print_warning(const std::string& message);  // "cfdeploy: warning: …"
void print_note(const std::string& message);     // "cfdeploy: …"

/// The line print_error etc. write for `message` after `prefix`, newline included.
std::string diagnostic_line(std::string_view prefix, const std::string& message);

}  // namespace cfdeploy
