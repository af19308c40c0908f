#include "step_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "blank_text.h"
#include "bounded_output.h"
#include "diagnostics.h"
#include "github_report.h"
#include "number_option.h"
#include "preflight_command.h"
#include "process.h"
#include "secrets.h"
#include "step_report.h"
#include "step_runner.h"
#include "workflow_commands.h"
#include "wrangler_command.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;

// Seven days: longer than any CI job may run, and small enough to count in milliseconds.
constexpr double k_max_timeout_seconds = 7 * 24 * 3600;
constexpr double k_max_delay_ms = 600000;  // ten minutes
// After the step's deadline, how long our own summary and messages may still wait for
// a reader that stopped reading.
constexpr milliseconds k_output_grace{2000};

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

std::optional<milliseconds> time_left(Deadline deadline) {
  if (!deadline) {
    return std::nullopt;
  }
  auto left = std::chrono::duration_cast<milliseconds>(*deadline - Clock::now());
  return std::max(milliseconds(0), left);
}

bool is_executable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path);
}

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
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

void write_report(const std::string& path, const StepResult& result,
                  const std::vector<std::string>& command) {
  // The child's lines are quoted as they were, and need not be valid UTF-8.
  std::string text = redacted_json_text(step_report_json(result, command)) + "\n";
  errno = 0;
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  int failure = out ? 0 : errno;
  out << text;
  out.close();
  if (!out && failure == 0) {
    failure = errno;
  }
  if (!out) {
    std::string reason = failure != 0 ? " (" + system_error_text(failure) + ")" : "";
    print_warning("could not write the report to '" + path + "'" + reason +
                  "; the step's result is above");
  }
}

// "wrangler d1 migrations apply DB --remote": the command as a person names it.
std::string step_label(const std::vector<std::string>& argv) {
  std::string label;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string word = i == 0 ? std::filesystem::path(argv[0]).filename().string() : argv[i];
    label += (i == 0 ? "" : " ") + word;
  }
  return label;
}

bool reports_to_github(const StepFlags& flags) {
  return flags.format == "github" || (flags.format == "auto" && running_on_github());
}

// One step's reporting: live output, then the summary, the report file and,
// on GitHub, the annotations, outputs and job summary.
class StepSession {
public:
  // `environment` is the wrangler --env, for finding lines in the configuration.
  // `deadline` is the command's, from its --timeout.
  StepSession(const StepFlags& flags, Deadline deadline, std::string environment = "")
      : m_flags(flags), m_environment(std::move(environment)), m_deadline(deadline) {
    std::cout.flush();  // from here on stdout is written through m_out
    if (deadline) {
      set_output_deadline(*deadline + k_output_grace);
    }
    if (reports_to_github(flags)) {
      m_github.emplace(GithubReporter::from_environment(m_out));
    }
  }
  ~StepSession() { set_output_deadline(std::nullopt); }
  StepSession(const StepSession&) = delete;
  StepSession& operator=(const StepSession&) = delete;

  // Runs the step with live output and prints the summary. A command that
  // could not be started is a failed step too (exit status 127), reported
  // like any other.
  StepResult execute(const StepOptions& options) {
    if (m_github) {
      m_github->start_child_output(secret_values(m_flags.mask_account_id));
    }
    StepContext context = make_context();
    Result<StepResult> result = run_step(options, context);
    if (result) {
      check_token_after_10000(result.value(), m_deadline);
    } else {
      result = not_started_result(result.error(), builtin_catalogue());
    }
    // The summary quotes the child's error text: on GitHub it goes inside
    // the stop-commands window, and elsewhere (--format text) it is escaped.
    std::string summary = escape_log_lines(redact_secrets(step_summary_text(result.value())));
    if (m_github) {
      m_out << summary << std::flush;
    } else {
      (void)write_output(STDERR_FILENO, summary);
    }
    if (m_github) {
      m_github->observe(Stream::out, summary);
      m_github->finish_child_output();
    }
    warn_if_output_lost();
    return std::move(result.value());
  }

  int finish(const StepResult& result, const std::vector<std::string>& command) {
    if (!m_flags.report_path.empty()) {
      write_report(m_flags.report_path, result, command);
    }
    if (m_github) {
      report_to_github(result, command);
    }
    return result.exit_code;
  }

private:
  // Cloudflare answers 10000 both for a bad token and for a good one that
  // lacks a permission or belongs to another account: ask which it is, within
  // what is left of the step's --timeout, and stop asking at SIGINT/SIGTERM.
  static void check_token_after_10000(StepResult& result, Deadline deadline) {
    const std::optional<Finding>& primary = result.verdict.primary;
    if (!primary || primary->code != 10000 || result.cancelled_by != 0) {
      return;
    }
    std::optional<milliseconds> left = time_left(deadline);
    const char* account = std::getenv("CLOUDFLARE_ACCOUNT_ID");
    Cancellation cancellation;
    TokenState state;
    {
      CancelOnSignal cancel_on_signal(cancellation);
      state = verify_token_from_environment(account != nullptr ? account : "", left, &cancellation);
    }
    result.token_check = explain_token_state(state);
    if (int signal = cancellation.signal()) {
      result.cancelled_by = signal;
      result.exit_code = 128 + signal;
    }
  }

  StepContext make_context() {
    return StepContext{
        m_runner,
        builtin_catalogue(),
        [this](Stream stream, std::string_view bytes) {
          // On GitHub both streams go to stdout: the runner reads our stdout
          // and stderr on separate threads, so only stdout is reliably inside
          // the stop-commands window. A reader that went away must not stop
          // the step: keep classifying.
          if (m_github) {
            echo_to(STDOUT_FILENO, bytes);
            m_github->observe(Stream::out, bytes);
            return;
          }
          echo_to(stream == Stream::out ? STDOUT_FILENO : STDERR_FILENO, bytes);
        },
        [](const std::string& note) { print_note(note); },
        [](milliseconds delay) { return interruptible_sleep(delay); },
        [this]() { return m_uniform(m_random); },
        temp_dir(),
    };
  }

  // Blocks while a reader is slow, so the log gets every byte; but a reader that
  // stopped reading must not keep the step past its --timeout, so from the
  // deadline on, what it will not take is left out.
  void echo_to(int fd, std::string_view bytes) {
    WriteStatus status = write_until(fd, bytes, m_deadline);
    if (status == WriteStatus::failed && fd == STDOUT_FILENO && m_stdout_error == 0) {
      m_stdout_error = errno;
    }
    if (status == WriteStatus::past_deadline) {
      m_output_left_out = true;
    }
  }

  // Said on stderr, which may still reach the log when stdout's reader is gone.
  void warn_if_output_lost() {
    if (m_output_left_out && !m_warned_output_left_out) {
      m_warned_output_left_out = true;
      print_warning(
          "standard output's reader stopped reading, so the step's output from its "
          "--timeout on was left out where the reader would not take it");
    }
    if (m_stdout_error == 0 && m_github && !m_out) {
      m_stdout_error = EPIPE;  // the summary went to stdout, and that failed
    }
    if (m_stdout_error == 0 || m_warned_output_lost) {
      return;
    }
    m_warned_output_lost = true;
    print_warning("could not write to standard output (" + system_error_text(m_stdout_error) +
                  "), so the log is missing the step's output from then on; the step still ran "
                  "to the end");
  }

  void report_to_github(const StepResult& result, const std::vector<std::string>& command) {
    SummaryInput summary{step_label(command),     &result.verdict,  result.attempts.size(),
                         result.duration,         result.exit_code, result.deployment_url,
                         result.wrangler_version, result.retry_note};
    StepOutputs outputs = outputs_for(result.verdict);
    if (result.cancelled_by != 0) {
      outputs.outcome = "cancelled";
    }
    outputs.attempts = result.attempts.size();
    outputs.exit_code = result.exit_code;
    outputs.deployment_url = result.deployment_url;
    outputs.report_path = m_flags.report_path;
    const char* workspace = std::getenv("GITHUB_WORKSPACE");
    m_github->report(
        summary, outputs,
        project_locator(m_flags.directory, m_environment, workspace != nullptr ? workspace : ""));
  }

  const StepFlags& m_flags;
  std::string m_environment;
  // Our stdout for the summary and the workflow commands, within the output deadline.
  BoundedFdBuffer m_out_buffer{STDOUT_FILENO};
  std::ostream m_out{&m_out_buffer};
  std::optional<GithubReporter> m_github;
  PosixProcessRunner m_runner;
  std::mt19937_64 m_random{std::random_device{}()};
  std::uniform_real_distribution<double> m_uniform{0.0, 1.0};
  int m_stdout_error = 0;  // errno of the first failed write of the child's output
  bool m_warned_output_lost = false;
  Deadline m_deadline;             // the command's --timeout runs out
  bool m_output_left_out = false;  // a reader that stopped reading met the deadline
  bool m_warned_output_left_out = false;
};

std::vector<std::string> wrangler_argv(const WranglerFlags& flags,
                                       const std::vector<std::string>& args) {
  const char* path = std::getenv("PATH");
  // Absolute, because the child starts in --directory before it runs wrangler.
  std::error_code ignored;
  std::filesystem::path directory = flags.step.directory.empty()
                                        ? std::filesystem::current_path(ignored)
                                        : std::filesystem::path(flags.step.directory);
  std::string project = std::filesystem::absolute(directory, ignored).lexically_normal();
  WranglerSearch search{flags.wrangler, project, path != nullptr ? path : ""};
  std::vector<std::string> argv = locate_wrangler(search, is_executable);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

int run_generic(const RunFlags& flags) {
  Deadline deadline = command_deadline(flags.step);
  StepOptions options = step_options(flags.step, flags.command, deadline);
  StepSession session(flags.step, deadline);
  return session.finish(session.execute(options), options.argv);
}

// --preflight: the checks the step needs, before wrangler starts.
std::optional<int> run_preflight_gate(const WranglerFlags& flags, GateStep step,
                                      const std::string& database, Deadline deadline) {
  if (!flags.preflight) {
    return std::nullopt;
  }
  PreflightGate gate{step, flags.step.directory,         flags.environment, database,
                     "",   reports_to_github(flags.step)};
  gate.time_limit = time_left(deadline);
  return preflight_gate(gate);
}

int run_deploy(const WranglerFlags& flags) {
  Deadline deadline = command_deadline(flags.step);
  if (std::optional<int> stop = run_preflight_gate(flags, GateStep::deploy, "", deadline)) {
    return *stop;
  }
  StepOptions options = step_options(
      flags.step, wrangler_argv(flags, deploy_args(flags.environment, flags.extra)), deadline);
  StepSession session(flags.step, deadline, flags.environment);
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
  StepResult result = session.execute(options);
  std::filesystem::remove_all(dir);
  if (result.ok()) {
    return std::nullopt;
  }
  print_note("the local check failed, so the " + std::string(flags.local ? "local" : "remote") +
             " database was not touched");
  return session.finish(result, options.argv);
}

int run_migrate(const MigrateFlags& flags) {
  Deadline deadline = command_deadline(flags.wrangler.step);
  if (!flags.local) {
    if (std::optional<int> stop =
            run_preflight_gate(flags.wrangler, GateStep::migrate, flags.database, deadline)) {
      return *stop;
    }
  }
  StepSession session(flags.wrangler.step, deadline, flags.wrangler.environment);
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
  return session.finish(session.execute(options), options.argv);
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
  return run_generic(flags);
}

int run_deploy_command(const WranglerFlags& flags) {
  StepSignals signals;
  return run_deploy(flags);
}

int run_migrate_command(const MigrateFlags& flags) {
  StepSignals signals;
  return run_migrate(flags);
}

}  // namespace cfdeploy
