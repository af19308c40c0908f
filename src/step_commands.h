// The commands that run a step: `run`, `deploy` and `migrate`. Each one
// registers its options with CLI11 and, when chosen, runs the step and turns
// the result into cfdeploy's exit status.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace cfdeploy {

struct StepFlags {
  int retries = 2;
  double timeout_seconds = 0;  // 0: no limit
  std::string report_path;
  std::string directory;
  int retry_delay_ms = 2000;
  int kill_grace_ms = 5000;
  std::string format = "auto";  // auto | text | github
  bool mask_account_id = false;
};

struct RunFlags {
  StepFlags step;
  std::vector<std::string> command;
};

struct WranglerFlags {
  StepFlags step;
  std::string wrangler;
  std::string environment;
  bool preflight = false;
  std::vector<std::string> extra;
};

struct MigrateFlags {
  WranglerFlags wrangler;
  std::string database;
  bool local = false;
  bool check_local = false;
};

struct StepCommands {
  CLI::App* run = nullptr;
  CLI::App* deploy = nullptr;
  CLI::App* migrate = nullptr;
  RunFlags run_flags;
  WranglerFlags deploy_flags;
  MigrateFlags migrate_flags;
};

/// Adds `run`, `deploy` and `migrate` to `app`, bound to `commands`' flags.
void add_step_commands(CLI::App& app, StepCommands& commands);

/// Runs whichever of them was parsed; nullopt-like -1 when none was.
int run_step_command(const StepCommands& commands);

}  // namespace cfdeploy
