// Runs the built cfdeploy binary as a real child process and captures what it
// printed and how it exited, for tests of the command-line behaviour.
#pragma once

#include <string>
#include <vector>

namespace cfdeploy::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs cfdeploy with `args`; `stdin_text` is written to its standard input.
CommandResult run_cfdeploy(const std::vector<std::string>& args, const std::string& stdin_text = "",
                           const std::vector<std::string>& extra_env = {});

}  // namespace cfdeploy::testing
