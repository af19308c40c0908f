// The commands that run a step: `run`, `deploy`, `migrate`, `pages` and `restore`. Each one
// registers its options with CLI11 and, when chosen, runs the step and turns
// the result into cfdeploy's exit status.
#pragma once

#include <string>
#include <vector>

#include "step_deployment.h"

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
  bool upload_only = false;  // deploy: `versions upload`, a preview that takes no traffic
  std::vector<std::string> extra;
  DeploymentOptions github;  // deploy: the GitHub deployment's environment
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

struct PagesFlags {
  StepFlags step;
  std::string wrangler;
  std::string site_directory;  // DIR: the built site, relative to --directory
  std::string project_name;
  std::string branch;
  std::string commit_hash;
  std::string commit_message;
  bool preflight = false;
  std::vector<std::string> extra;
  DeploymentOptions github;  // the GitHub Deployment it is recorded as
};

struct RestoreFlags {
  WranglerFlags wrangler;
  std::string database;
  std::string bookmark;   // --bookmark
  std::string timestamp;  // --timestamp, when there is no bookmark
};

/// The options of `run -- CMD ARGS`, `deploy`, `migrate DATABASE`, `pages DIR` and
/// `restore DATABASE`, added to their subcommand and bound to `flags`.
void add_run_options(CLI::App& run, RunFlags& flags);
void add_deploy_options(CLI::App& deploy, WranglerFlags& flags);
void add_migrate_options(CLI::App& migrate, MigrateFlags& flags);
void add_pages_options(CLI::App& pages, PagesFlags& flags);
void add_restore_options(CLI::App& restore, RestoreFlags& flags);

/// Runs the step and returns cfdeploy's exit status.
int run_run_command(const RunFlags& flags);
int run_deploy_command(const WranglerFlags& flags);
int run_migrate_command(const MigrateFlags& flags);
int run_pages_command(const PagesFlags& flags);
int run_restore_command(const RestoreFlags& flags);

}  // namespace cfdeploy
