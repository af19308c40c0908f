// How the Actions runner reads a step's output (actions/runner: ProcessInvoker
// reads lines with StreamReader.ReadLine, which ends a line at CR, LF or CRLF;
// ActionCommandManager then takes `::name …::data` at the start of a line,
// after .NET's TrimStart, and the legacy `##[name …]data` anywhere in it, and
// ignores both between `::stop-commands::TOKEN` and `::TOKEN::`).
#pragma once

#include <string>
#include <vector>

namespace cfdeploy::testing {

/// The lines the runner would act on as workflow commands, in order, each as
/// it was printed (left-trimmed); stop-commands and resume lines are left out.
std::vector<std::string> runner_commands(const std::string& output);

}  // namespace cfdeploy::testing
