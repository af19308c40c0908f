#include "step_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>

#include "blank_text.h"
#include "diagnostics.h"
#include "environment.h"
#include "error.h"
#include "migration_plan.h"
#include "number_option.h"
#include "preflight_command.h"
#include "process.h"
#include "restore_output.h"
#include "step_runner.h"
#include "step_session.h"
#include "time_travel.h"
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

// The directory the step runs in, absolute.
std::filesystem::path step_directory(const StepFlags& step) {
  std::error_code ignored;
  std::filesystem::path directory = step.directory.empty() ? std::filesystem::current_path(ignored)
                                                           : std::filesystem::path(step.directory);
  return std::filesystem::absolute(directory, ignored).lexically_normal();
}

// `wrangler` is --wrangler, or empty to look for one.
std::vector<std::string> wrangler_argv(const StepFlags& step, const std::string& wrangler,
                                       const std::vector<std::string>& args) {
  // Absolute, because the child starts in --directory before it runs wrangler.
  WranglerSearch search{wrangler, step_directory(step).string(), env_or_empty("PATH")};
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
  StepOptions options =
      step_options(flags.step,
                   wrangler_argv(flags.step, flags.wrangler,
                                 deploy_args(flags.environment, flags.extra, flags.upload_only)),
                   deadline);
  StepResult result;
  int status = 0;
  {
    StepSession session(session_settings(flags.step, format, deadline, flags.environment));
    result = session.execute(options);
    status = session.finish(result, options.argv);
  }
  // After the session, whose report is complete: GitHub's answer never changes the status.
  // An uploaded version takes no traffic: it is a preview wherever it was made.
  DeploymentOptions github = flags.github;
  if (flags.upload_only && github.environment.empty()) {
    github.environment = "preview";
  }
  record_step_deployment(github, finished_deploy(result, env_or_empty("CLOUDFLARE_ACCOUNT_ID")),
                         deadline, format == ReportFormat::github);
  return status;
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
      wrangler_argv(flags.wrangler.step, flags.wrangler.wrangler,
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

// Before a remote migration: the database's current Time Travel bookmark, so the run can
// be undone with one restore. Without one the migration still runs, with a warning.
// nullopt when SIGINT/SIGTERM cut the request short (`signal` says which).
std::optional<TimeTravelFacts> take_restore_point(const MigrateFlags& flags, Deadline deadline,
                                                  int& signal) {
  PreflightGate gate{GateStep::migrate,
                     flags.wrangler.step.directory,
                     flags.wrangler.environment,
                     flags.database,
                     "",
                     false};
  gate.time_limit = time_left(deadline);
  TimeTravelFacts facts;
  facts.database = flags.database;
  facts.environment = flags.wrangler.environment;
  Cancellation cancellation;
  {
    CancelOnSignal cancel_on_signal(cancellation);
    Result<StepApiAccess> access = step_api_access(gate, &cancellation);
    BookmarkAnswer answer = access ? current_bookmark(*access.value().api, access.value().input)
                                   : BookmarkAnswer{"", access.error().message()};
    facts.bookmark = answer.bookmark;
    facts.bookmark_problem = answer.problem;
  }
  if ((signal = cancellation.signal()) != 0) {
    print_note("cancelled by signal " + std::to_string(signal) +
               " while taking the restore point, so wrangler was not started");
    return std::nullopt;
  }
  if (facts.bookmark.empty()) {
    print_warning("no restore point was recorded for " + flags.database + ": " +
                  facts.bookmark_problem + "; the migration runs without one");
  } else {
    print_note("restore point: " + flags.database + " is at Time Travel bookmark " +
               facts.bookmark);
  }
  return facts;
}

// `d1 migrations list`: what an apply would run now, as a supervised step of its own.
StepResult run_plan_step(const MigrateFlags& flags, StepSession& session, Deadline deadline,
                         std::vector<std::string>& argv) {
  StepOptions options = step_options(
      flags.wrangler.step,
      wrangler_argv(flags.wrangler.step, flags.wrangler.wrangler,
                    migrations_list_args(flags.database, flags.local, flags.wrangler.environment)),
      deadline);
  if (flags.local) {
    options.extra_env.emplace_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  }
  PendingMigrations pending;
  options.watch_line = [&pending](Stream, std::string_view line) { pending.feed_line(line); };
  argv = options.argv;
  StepTarget touches = flags.local ? StepTarget::local : StepTarget::remote;
  StepResult result = session.execute(options, touches, [&pending](StepResult& done) {
    if (pending.listed()) {
      done.plan = MigrationPlanFacts{pending.names(), true, std::nullopt};
    }
  });
  if (result.ok() && !result.plan) {
    print_warning("wrangler printed no list of pending migrations that cfdeploy could read");
  }
  return result;
}

// The plan the report shows: the plan step's, with what the apply announced; else what
// the apply announced.
std::optional<MigrationPlanFacts> plan_facts(const std::optional<MigrationPlanFacts>& planned,
                                             const PendingMigrations& announced) {
  if (planned) {
    MigrationPlanFacts facts = *planned;
    if (announced.listed()) {
      facts.at_apply = announced.names();
    }
    return facts;
  }
  if (announced.listed()) {
    return MigrationPlanFacts{announced.names(), false, std::nullopt};
  }
  return std::nullopt;
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
  std::optional<MigrationPlanFacts> planned;
  if (flags.plan || flags.plan_first) {
    std::vector<std::string> argv;
    StepResult plan = run_plan_step(flags, session, deadline, argv);
    if (flags.plan || !plan.ok()) {
      return session.finish(plan, argv);
    }
    planned = plan.plan;
  }
  if (flags.check_local) {
    if (std::optional<int> failed = check_locally(flags, session, deadline)) {
      return *failed;
    }
  }
  MigrateTarget target{flags.local, {}};
  StepOptions options = step_options(
      flags.wrangler.step,
      wrangler_argv(
          flags.wrangler.step, flags.wrangler.wrangler,
          migrate_args(flags.database, target, flags.wrangler.environment, flags.wrangler.extra)),
      deadline);
  if (flags.local) {
    options.extra_env.emplace_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  }
  PendingMigrations announced;
  options.watch_line = [&announced](Stream, std::string_view line) { announced.feed_line(line); };
  std::optional<TimeTravelFacts> restore_point;
  if (!flags.local && !flags.no_bookmark) {
    int signal = 0;
    restore_point = take_restore_point(flags, deadline, signal);
    if (!restore_point) {
      return 128 + signal;
    }
  }
  StepTarget touches = flags.local ? StepTarget::local : StepTarget::remote;
  StepResult result = session.execute(options, touches, [&](StepResult& done) {
    done.time_travel = restore_point;
    done.plan = plan_facts(planned, announced);
  });
  if (result.plan && result.plan->changed()) {
    print_warning(
        "the pending migrations changed between the plan and the apply: another job "
        "may have migrated " +
        flags.database + " meanwhile");
  }
  return session.finish(result, options.argv);
}

// Restores the database to a bookmark (or a timestamp's), reading the new and the previous
// bookmark out of wrangler's output for the report.
int run_restore(const RestoreFlags& flags, ReportFormat format) {
  if (flags.bookmark.empty() == flags.timestamp.empty()) {
    print_error(
        "restore needs one of --bookmark B (a migration's restore-bookmark) or "
        "--timestamp T (Unix seconds or RFC 3339, within the last 30 days)");
    return static_cast<int>(ExitCode::usage);
  }
  Deadline deadline = command_deadline(flags.wrangler.step);
  if (std::optional<int> stop =
          run_preflight_gate(flags.wrangler, format, GateStep::migrate, flags.database, deadline)) {
    return *stop;
  }
  StepSession session(session_settings(flags.wrangler.step, format, deadline,
                                       flags.wrangler.environment, flags.database));
  RestoreTarget target{flags.bookmark, flags.timestamp};
  StepOptions options = step_options(
      flags.wrangler.step,
      wrangler_argv(
          flags.wrangler.step, flags.wrangler.wrangler,
          restore_args(flags.database, target, flags.wrangler.environment, flags.wrangler.extra)),
      deadline);
  RestoreOutput output;
  options.watch_line = [&output](Stream, std::string_view line) { output.feed_line(line); };
  StepResult result = session.execute(options, StepTarget::remote, [&](StepResult& done) {
    done.time_travel = TimeTravelFacts{true,
                                       flags.database,
                                       "",
                                       "",
                                       output.restored_to(),
                                       output.previous_bookmark(),
                                       flags.wrangler.environment};
  });
  return session.finish(result, options.argv);
}

// The site directory is looked for where wrangler will run, in --directory.
std::optional<std::string> missing_site_directory(const PagesFlags& flags) {
  std::filesystem::path site(flags.site_directory);
  std::filesystem::path resolved = site.is_absolute() ? site : step_directory(flags.step) / site;
  std::error_code error;
  if (std::filesystem::is_directory(resolved, error)) {
    return std::nullopt;
  }
  return "the site directory '" + flags.site_directory + "' is not a directory" +
         (site.is_absolute() || flags.step.directory.empty()
              ? ""
              : " (looked for in --directory '" + flags.step.directory + "')") +
         "; give the directory the build wrote the site to, e.g. dist";
}

int run_pages(const PagesFlags& flags, ReportFormat format) {
  if (std::optional<std::string> problem = missing_site_directory(flags)) {
    print_error(*problem);
    return static_cast<int>(ExitCode::usage);
  }
  Deadline deadline = command_deadline(flags.step);
  if (flags.preflight) {
    PreflightGate gate{
        GateStep::pages, flags.step.directory, "", "", "", format == ReportFormat::github};
    gate.time_limit = time_left(deadline);
    gate.pages_project = flags.project_name;
    if (std::optional<int> stop = preflight_gate(gate)) {
      return *stop;
    }
  }
  PagesTarget target{flags.site_directory, flags.project_name, flags.branch, flags.commit_hash,
                     flags.commit_message};
  StepOptions options = step_options(
      flags.step, wrangler_argv(flags.step, flags.wrangler, pages_deploy_args(target, flags.extra)),
      deadline);
  StepResult result;
  int status = 0;
  {
    StepSession session(session_settings(flags.step, format, deadline));
    result = session.execute(options);
    status = session.finish(result, options.argv);
  }
  // Pages itself says whether the deployment is production or a preview.
  DeploymentOptions github = flags.github;
  if (github.environment.empty()) {
    github.environment = result.pages.environment;
  }
  record_step_deployment(
      github,
      finished_pages_deploy(result, env_or_empty("CLOUDFLARE_ACCOUNT_ID"), flags.project_name),
      deadline, format == ReportFormat::github);
  return status;
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

// A validator refusing a value of only white space with `problem`.
CLI::Validator not_blank(const std::string& problem, const std::string& name) {
  return {[problem](const std::string& value) { return is_blank(value) ? problem : std::string(); },
          name};
}

// DATABASE of migrate and restore: a name or binding from the configuration.
CLI::Validator database_check() {
  return not_blank(
      "the database name is empty; give the D1 database's database_name or binding from the "
      "wrangler configuration",
      "DATABASE");
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

void add_github_deployment_flags(CLI::App& command, DeploymentOptions& options) {
  command
      .add_option("--github-environment", options.environment,
                  "With CFDEPLOY_GITHUB_TOKEN set, the GitHub deployment's environment "
                  "(default: production on the production branch, else preview)")
      ->group("GitHub deployments");
  command
      .add_option("--production-branch", options.production_branch,
                  "The branch whose deploys are production (default: the repository's default "
                  "branch)")
      ->group("GitHub deployments");
}

}  // namespace

void add_run_options(CLI::App& run, RunFlags& flags) {
  add_step_flags(run, flags.step);
  run.add_option("command", flags.command, "The command, after --")->required();
}

void add_deploy_options(CLI::App& deploy, WranglerFlags& flags) {
  add_wrangler_flags(deploy, flags);
  deploy.add_flag("--upload-only", flags.upload_only,
                  "Run `wrangler versions upload` instead: a new version with a preview URL, "
                  "not deployed");
  add_github_deployment_flags(deploy, flags.github);
}

void add_migrate_options(CLI::App& migrate, MigrateFlags& flags) {
  migrate.add_option("database", flags.database, "D1 database name or binding")
      ->required()
      ->check(database_check());
  add_wrangler_flags(migrate, flags.wrangler);
  migrate.add_flag("--local", flags.local,
                   "Apply to wrangler's local D1 instead of the remote database");
  migrate.add_flag("--check-local", flags.check_local,
                   "First apply to a throwaway local D1 and stop if that fails");
  migrate.add_flag("--no-bookmark", flags.no_bookmark,
                   "Take no Time Travel bookmark (restore point) before a remote run");
  CLI::Option* plan = migrate.add_flag(
      "--plan", flags.plan, "Only list the pending migrations (wrangler d1 migrations list)");
  migrate
      .add_flag("--plan-first", flags.plan_first,
                "List the pending migrations as a step of its own first, and say if the apply "
                "found others")
      ->excludes(plan);
}

void add_pages_options(CLI::App& pages, PagesFlags& flags) {
  pages.add_option("site", flags.site_directory, "The built site's directory (DIR)")
      ->required()
      ->check(not_blank("the site directory is empty; give the directory the build wrote the "
                        "site to, e.g. dist",
                        "DIR"));
  pages.add_option("--project-name", flags.project_name, "The Cloudflare Pages project")
      ->required()
      ->check(not_blank("the project name is empty; give the Pages project's name as the "
                        "dashboard shows it",
                        "NAME"));
  pages.add_option("--branch", flags.branch,
                   "The branch to deploy as: the project's production branch deploys to "
                   "production, any other to a preview (default: wrangler's, from git)");
  pages.add_option("--commit-hash", flags.commit_hash, "The commit to attach to the deployment");
  pages.add_option("--commit-message", flags.commit_message,
                   "The commit message to attach to the deployment");
  add_step_flags(pages, flags.step);
  pages.add_option("--wrangler", flags.wrangler,
                   "Command that runs wrangler (default: the project's, PATH's, or npx)");
  pages.add_flag("--preflight", flags.preflight,
                 "First check the token, the account and the Pages project (see preflight)");
  pages.add_option("args", flags.extra, "Extra wrangler arguments, after --");
  add_github_deployment_flags(pages, flags.github);
}

void add_restore_options(CLI::App& restore, RestoreFlags& flags) {
  restore.add_option("database", flags.database, "D1 database name or binding")
      ->required()
      ->check(database_check());
  CLI::Option* bookmark =
      restore
          .add_option("--bookmark", flags.bookmark,
                      "Time Travel bookmark to restore to (a migration's restore-bookmark)")
          ->check(CLI::Validator(
              [](const std::string& text) {
                return is_bookmark(text) ? ""
                                         : "'" + text +
                                               "' is not a D1 bookmark: copy it as printed, "
                                               "letters, digits, '-' and '_' only";
              },
              "BOOKMARK"));
  CLI::Option* timestamp = restore.add_option(
      "--timestamp", flags.timestamp,
      "Restore to this time instead: Unix seconds or RFC 3339, within the last 30 days");
  bookmark->excludes(timestamp);
  add_wrangler_flags(restore, flags.wrangler);
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

int run_pages_command(const PagesFlags& flags) {
  StepSignals signals;
  return run_pages(flags, step_report_format(flags.step.format));
}

int run_restore_command(const RestoreFlags& flags) {
  StepSignals signals;
  return run_restore(flags, step_report_format(flags.wrangler.step.format));
}

}  // namespace cfdeploy
