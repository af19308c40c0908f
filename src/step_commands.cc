#include "step_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>

#include "blank_text.h"
#include "diagnostics.h"
#include "environment.h"
#include "number_option.h"
#include "preflight_command.h"
#include "process.h"
#include "step_runner.h"
#include "step_session.h"
#include "wrangler_command.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Seven days: longer than any CI job may run, and small enough to count in milliseconds.
constexpr double k_max_timeout_seconds = 7 * 24 * 3600;
constexpr double k_max_delay_ms = 600000;  // ten minutes

milliseconds timeout_length(double seconds) {
  return milliseconds(static_cast<long>(seconds * 1000));
}

// Counted in whole milliseconds, a --timeout under one would be none at all.
std::string below_a_millisecond(const std::string& text) {
  double seconds = std::strtod(text.c_str(), nullptr);
  return seconds > 0 && seconds < 0.001 ? "'" + text +
                                              "' is less than a millisecond; give 0 for no "
                                              "limit, or 0.001 to 604800 seconds"
                                        : "";
}

// Taken once, when the command starts: the preflight, the local check and the step
// share the one --timeout.
Deadline command_deadline(const StepFlags& flags) {
  if (flags.timeout_seconds > 0) {
    return Clock::now() + timeout_length(flags.timeout_seconds);
  }
  return std::nullopt;
}

bool is_executable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path);
}

StepOptions step_options(const StepFlags& flags, std::vector<std::string> argv, Deadline deadline) {
  StepOptions options;
  options.argv = std::move(argv);
  options.working_directory = flags.directory;
  options.retry.max_retries = flags.retries;
  options.retry.base_delay = milliseconds(flags.retry_delay_ms);
  if (deadline) {
    options.timeout = timeout_length(flags.timeout_seconds);  // named when it runs out
    options.deadline = deadline;
  }
  options.kill_grace = milliseconds(flags.kill_grace_ms);
  return options;
}

// `environment` is the wrangler --env, for finding lines in the configuration; `database`
// migrate's DATABASE, for the diagnosis after a failure.
SessionSettings session_settings(const StepFlags& flags, ReportFormat format, Deadline deadline,
                                 std::string environment = "", std::string database = "") {
  StepReportSettings report{format, flags.mask_account_id, flags.report_path, flags.directory,
                            std::move(environment)};
  return SessionSettings{std::move(report), deadline, std::move(database)};
}

std::vector<std::string> wrangler_argv(const WranglerFlags& flags,
                                       const std::vector<std::string>& args) {
  // Absolute, because the child starts in --directory before it runs wrangler.
  std::error_code ignored;
  std::filesystem::path directory = flags.step.directory.empty()
                                        ? std::filesystem::current_path(ignored)
                                        : std::filesystem::path(flags.step.directory);
  std::string project = std::filesystem::absolute(directory, ignored).lexically_normal();
  WranglerSearch search{flags.wrangler, project, env_or_empty("PATH")};
  std::vector<std::string> argv = locate_wrangler(search, is_executable);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

int run_generic(const RunFlags& flags, ReportFormat format) {
  Deadline deadline = command_deadline(flags.step);
  StepOptions options = step_options(flags.step, flags.command, deadline);
  StepSession session(session_settings(flags.step, format, deadline));
  return session.finish(session.execute(options), options.argv);
}

// --preflight: the checks the step needs, before wrangler starts.
std::optional<int> run_preflight_gate(const WranglerFlags& flags, ReportFormat format,
                                      GateStep step, const std::string& database,
                                      Deadline deadline) {
  if (!flags.preflight) {
    return std::nullopt;
  }
  PreflightGate gate{step, flags.step.directory,          flags.environment, database,
                     "",   format == ReportFormat::github};
  gate.time_limit = time_left(deadline);
  return preflight_gate(gate);
}

int run_deploy(const WranglerFlags& flags, ReportFormat format) {
  Deadline deadline = command_deadline(flags.step);
  if (std::optional<int> stop = run_preflight_gate(flags, format, GateStep::deploy, "", deadline)) {
    return *stop;
  }
  StepOptions options = step_options(
      flags.step, wrangler_argv(flags, deploy_args(flags.environment, flags.extra)), deadline);
  StepSession session(session_settings(flags.step, format, deadline, flags.environment));
  return session.finish(session.execute(options), options.argv);
}

// Applies the migrations to a throwaway local D1 first; only if they all
// succeed there does the real run touch the database.
std::optional<int> check_locally(const MigrateFlags& flags, StepSession& session,
                                 Deadline deadline) {
  std::string dir = temp_dir() + "/cfdeploy-d1-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    print_error("creating a directory for the local check in '" + temp_dir() + "' failed");
    return 1;
  }
  MigrateTarget target{true, dir};
  StepFlags step = flags.wrangler.step;
  step.retries = 0;
  StepOptions options = step_options(
      step,
      wrangler_argv(flags.wrangler,
                    migrate_args(flags.database, target, flags.wrangler.environment, {})),
      deadline);
  // The check needs no network: keep miniflare from fetching its cf.json.
  options.extra_env.emplace_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  print_note("checking the migrations on a throwaway local D1 first");
  StepResult result = session.execute(options, StepTarget::local);
  std::filesystem::remove_all(dir);
  if (result.ok()) {
    return std::nullopt;
  }
  print_note("the local check failed, so the " + std::string(flags.local ? "local" : "remote") +
             " database was not touched");
  return session.finish(result, options.argv);
}

int run_migrate(const MigrateFlags& flags, ReportFormat format) {
  Deadline deadline = command_deadline(flags.wrangler.step);
  if (!flags.local) {
    if (std::optional<int> stop = run_preflight_gate(flags.wrangler, format, GateStep::migrate,
                                                     flags.database, deadline)) {
      return *stop;
    }
  }
  StepSession session(session_settings(flags.wrangler.step, format, deadline,
                                       flags.wrangler.environment, flags.database));
  if (flags.check_local) {
    if (std::optional<int> failed = check_locally(flags, session, deadline)) {
      return *failed;
    }
  }
  MigrateTarget target{flags.local, {}};
  StepOptions options = step_options(
      flags.wrangler.step,
      wrangler_argv(flags.wrangler, migrate_args(flags.database, target, flags.wrangler.environment,
                                                 flags.wrangler.extra)),
      deadline);
  if (flags.local) {
    options.extra_env.emplace_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  }
  StepTarget touches = flags.local ? StepTarget::local : StepTarget::remote;
  return session.finish(session.execute(options, touches), options.argv);
}

void add_step_flags(CLI::App& command, StepFlags& flags) {
  command.add_option("--retries", flags.retries, "Retries for failures a retry can fix")
      ->transform(number_check({0, 10, true, ""}))
      ->capture_default_str();
  command.add_option("--timeout", flags.timeout_seconds, "Seconds for the whole step (0: none)")
      ->transform(number_check({0, k_max_timeout_seconds, false, "seconds"}))
      ->check(below_a_millisecond)
      ->capture_default_str();
  command.add_option("--report", flags.report_path, "Write the JSON report to this file");
  command.add_option("-C,--directory", flags.directory, "Run the step in this directory")
      ->check(CLI::ExistingDirectory);
  command.add_option("--retry-delay-ms", flags.retry_delay_ms, "First retry's delay")
      ->transform(number_check({0, k_max_delay_ms, true, "ms"}))
      ->capture_default_str()
      ->group("Advanced");
  command
      .add_option("--format", flags.format,
                  "Reporting: github adds annotations, outputs "
                  "and a job summary (auto: github when GITHUB_ACTIONS=true)")
      ->check(CLI::IsMember({"auto", "text", "github"}))
      ->capture_default_str();
  command.add_flag("--mask-account-id", flags.mask_account_id,
                   "On GitHub, also mask CLOUDFLARE_ACCOUNT_ID in the log");
  command.add_option("--kill-grace-ms", flags.kill_grace_ms, "From SIGTERM to SIGKILL")
      ->transform(number_check({0, k_max_delay_ms, true, "ms"}))
      ->capture_default_str()
      ->group("Advanced");
}

void add_wrangler_flags(CLI::App& command, WranglerFlags& flags) {
  add_step_flags(command, flags.step);
  command.add_option("--wrangler", flags.wrangler,
                     "Command that runs wrangler (default: the project's, PATH's, or npx)");
  command.add_option("-e,--env", flags.environment, "wrangler environment (--env)");
  command.add_flag("--preflight", flags.preflight,
                   "First check the token, the account and the databases (see preflight)");
  command.add_option("args", flags.extra, "Extra wrangler arguments, after --");
}

// While a step runs: a reader that closed our stdout must not kill us before
// the summary, the report and the GitHub files are written; failed writes are
// reported instead. Children get the default back (posix_spawn's SETSIGDEF).
// And a cancelled job's SIGTERM between two attempts must still end in a report.
class StepSignals {
  static bool ignore_sigpipe() {
    // If it fails, a closed stdout stays fatal as before.
    return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  }

  // Members are made in order: SIGPIPE is ignored before the hold starts.
  [[maybe_unused]] bool m_sigpipe_ignored = ignore_sigpipe();
  SignalHold m_hold;
};

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunFlags& flags) {
  CLI::App* run =
      app.add_subcommand("run", "Run any command as a supervised step: run -- CMD ARGS");
  add_step_flags(*run, flags.step);
  run->add_option("command", flags.command, "The command, after --")->required();
  return run;
}

CLI::App* add_deploy_command(CLI::App& app, WranglerFlags& flags) {
  CLI::App* deploy = app.add_subcommand("deploy", "Run `wrangler deploy` as a supervised step");
  add_wrangler_flags(*deploy, flags);
  return deploy;
}

CLI::App* add_migrate_command(CLI::App& app, MigrateFlags& flags) {
  CLI::App* migrate = app.add_subcommand(
      "migrate", "Run `wrangler d1 migrations apply DATABASE --remote` as a supervised step");
  migrate->add_option("database", flags.database, "D1 database name or binding")
      ->required()
      ->check(CLI::Validator(
          [](const std::string& name) {
            return is_blank(name)
                       ? "the database name is empty; give the D1 database's database_name or "
                         "binding from the wrangler configuration"
                       : "";
          },
          "DATABASE"));
  add_wrangler_flags(*migrate, flags.wrangler);
  migrate->add_flag("--local", flags.local,
                    "Apply to wrangler's local D1 instead of the remote database");
  migrate->add_flag("--check-local", flags.check_local,
                    "First apply to a throwaway local D1 and stop if that fails");
  return migrate;
}

int run_run_command(const RunFlags& flags) {
  StepSignals signals;
  return run_generic(flags, step_report_format(flags.step.format));
}

int run_deploy_command(const WranglerFlags& flags) {
  StepSignals signals;
  return run_deploy(flags, step_report_format(flags.step.format));
}

int run_migrate_command(const MigrateFlags& flags) {
  StepSignals signals;
  return run_migrate(flags, step_report_format(flags.wrangler.step.format));
}

}  // namespace cfdeploy
