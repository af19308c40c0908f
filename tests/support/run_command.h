// Runs a program (usually the built cfdeploy) as a real child process and
// captures what it printed and how it exited, for tests of behaviour seen
// from outside.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cfdeploy::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct ProcessSpec {
  std::vector<std::string> argv;                // argv[0] is a path
  std::optional<std::vector<std::string>> env;  // the whole environment; ours if unset
  std::vector<std::string> extra_env;           // added to ours when env is unset
  std::string cwd;
  std::string stdin_text;
};

CommandResult run_process(const ProcessSpec& spec);

/// Runs cfdeploy with `args`; `stdin_text` is written to its standard input.
CommandResult run_cfdeploy(const std::vector<std::string>& args, const std::string& stdin_text = "",
                           const std::vector<std::string>& extra_env = {});

}  // namespace cfdeploy::testing
