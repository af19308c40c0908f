// The commands that run a step: `run`, `deploy`, `migrate` and `restore`. Each one
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
  bool no_bookmark = false;  // take no Time Travel bookmark before a remote run
  bool plan = false;         // only list the pending migrations
  bool plan_first = false;   // list them as a step of its own before applying
};

struct RestoreFlags {
  WranglerFlags wrangler;
  std::string database;
  std::string bookmark;   // --bookmark
  std::string timestamp;  // --timestamp, when there is no bookmark
};

/// `run -- CMD ARGS`, `deploy`, `migrate DATABASE` and `restore DATABASE`, each registered on `app`
/// with its options bound to `flags`; returns the subcommand for the CLI's table.
CLI::App* add_run_command(CLI::App& app, RunFlags& flags);
CLI::App* add_deploy_command(CLI::App& app, WranglerFlags& flags);
CLI::App* add_migrate_command(CLI::App& app, MigrateFlags& flags);
CLI::App* add_restore_command(CLI::App& app, RestoreFlags& flags);

/// Runs the step and returns cfdeploy's exit status.
int run_run_command(const RunFlags& flags);
int run_deploy_command(const WranglerFlags& flags);
int run_migrate_command(const MigrateFlags& flags);
int run_restore_command(const RestoreFlags& flags);

}  // namespace cfdeploy
