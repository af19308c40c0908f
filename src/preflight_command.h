// `cfdeploy preflight`: reads the Wrangler configuration and the environment, runs the
// preflight checks against the Cloudflare API and prints the report. Also the gate that
// `deploy` and `migrate --preflight` call before they start wrangler.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cancellation.h"
#include "cloudflare_api.h"
#include "error.h"
#include "preflight.h"

namespace CLI {
class App;
}

namespace cfdeploy {

struct PreflightFlags {
  std::string config_path;             // --config; empty: found the way wrangler finds it
  std::string environment;             // --env; empty: $CLOUDFLARE_ENV, else the top level
  std::vector<std::string> databases;  // --database (repeatable); empty: all in the config
  std::string needs = "all";           // --for deploy|migrate|pages|all: which access to probe
  std::string pages_project;           // --project-name: the Pages project (--for pages)
  std::string format = "text";         // --format text|json|github
  std::string ca_file;                 // --ca-file; empty: $SSL_CERT_FILE, else the system's
  double connect_timeout_seconds = 5;  // --connect-timeout
  double timeout_seconds = 15;         // --timeout, per request
  std::string directory;               // -C/--directory: the project's directory
  std::string account_id;              // --account-id; beats account_id and the environment
};

/// Adds preflight's options to its subcommand, bound to `flags`.
void add_preflight_options(CLI::App& command, PreflightFlags& flags);

/// Runs the checks and prints the report on stdout. Exit status: 0 when no check failed
/// (skipped and could-not-check included), 1 when one failed, 2 for unusable settings,
/// 128 + the signal when SIGINT/SIGTERM cut it short (the report still says what was found).
int run_preflight_command(const PreflightFlags& flags);

enum class GateStep { deploy, migrate, pages };

/// What a step is about to do, for preflight_gate.
struct PreflightGate {
  GateStep step = GateStep::deploy;
  std::string directory;    // the step's -C (wrangler runs there); empty: current directory
  std::string environment;  // the step's --env
  std::string database;     // migrate: the DATABASE argument (name or binding)
  std::string config_path;  // empty: found from `directory` the way wrangler finds it
  bool github = false;      // report as `preflight --format github` does, on stdout
  std::optional<std::chrono::milliseconds> time_limit = std::nullopt;  // the step's --timeout
  std::string pages_project{};                                         // pages: --project-name
};

/// Runs the checks the step needs (deploy: Workers scripts and the D1 databases it binds;
/// migrate: the database and D1 write; pages: the Pages project) and prints the report on stderr
/// (on GitHub: on stdout, with annotations, outputs and a job summary). Returns the exit status to
/// stop with when a check failed or preflight could not run, or nullopt when the step may go on
/// (could-not-check does not stop it).
std::optional<int> preflight_gate(const PreflightGate& gate);

/// What a step asks the API itself (a Time Travel bookmark): the configuration, token,
/// account and database read as the gate reads them, and the client preflight would use.
struct StepApiAccess {
  PreflightInput input;
  std::unique_ptr<CloudflareApi> api;
};

/// `gate`'s input and an API client with preflight's settings, ending at `cancellation`;
/// an Error (the token scrubbed) when the settings are unusable.
Result<StepApiAccess> step_api_access(const PreflightGate& gate, Cancellation* cancellation);

/// What preflight_gate would check for `gate`, read from the configuration and the
/// environment without asking anything: for the diagnosis of a failed step.
PreflightInput read_gate_input(const PreflightGate& gate);

}  // namespace cfdeploy
