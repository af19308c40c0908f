#include "step_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "diagnostics.h"
#include "process.h"
#include "step_report.h"
#include "step_runner.h"
#include "wrangler_command.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

constexpr int k_command_not_found = 127;

bool is_executable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path);
}

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

StepOptions step_options(const StepFlags& flags, std::vector<std::string> argv) {
  StepOptions options;
  options.argv = std::move(argv);
  options.working_directory = flags.directory;
  options.retry.max_retries = flags.retries;
  options.retry.base_delay = milliseconds(flags.retry_delay_ms);
  if (flags.timeout_seconds > 0) {
    options.timeout = milliseconds(static_cast<long>(flags.timeout_seconds * 1000));
  }
  options.kill_grace = milliseconds(flags.kill_grace_ms);
  return options;
}

void write_report(const std::string& path, const StepResult& result,
                  const std::vector<std::string>& command) {
  std::ofstream out(path, std::ios::trunc);
  out << redact_secrets(step_report_json(result, command).dump(2)) << "\n";
  out.close();
  if (!out) {
    print_warning("could not write the report to '" + path + "'; the step's result is above");
  }
}

// Runs one step with live output and prints the summary; returns the result,
// or nullopt (after saying why) when the command could not be started.
std::optional<StepResult> execute(const StepOptions& options) {
  PosixProcessRunner runner;
  std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  StepContext context{
      runner,
      builtin_catalogue(),
      [](Stream stream, std::string_view bytes) {
        // A reader that went away must not stop the step: keep classifying.
        write_all(stream == Stream::out ? STDOUT_FILENO : STDERR_FILENO, bytes);
      },
      [](const std::string& note) { print_note(note); },
      [](milliseconds delay) { return interruptible_sleep(delay); },
      [&]() { return uniform(random); },
      temp_dir(),
  };
  Result<StepResult> result = run_step(options, context);
  if (!result) {
    print_error(result.error().message());
    return std::nullopt;
  }
  std::cerr << redact_secrets(step_summary_text(result.value())) << std::flush;
  return std::move(result.value());
}

int finish(const StepFlags& flags, const std::optional<StepResult>& result,
           const std::vector<std::string>& command) {
  if (!result) {
    return k_command_not_found;
  }
  if (!flags.report_path.empty()) {
    write_report(flags.report_path, *result, command);
  }
  return result->exit_code;
}

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
  StepOptions options = step_options(flags.step, flags.command);
  return finish(flags.step, execute(options), options.argv);
}

int run_deploy(const WranglerFlags& flags) {
  StepOptions options =
      step_options(flags.step, wrangler_argv(flags, deploy_args(flags.environment, flags.extra)));
  return finish(flags.step, execute(options), options.argv);
}

// Applies the migrations to a throwaway local D1 first; only if they all
// succeed there does the real run touch the database.
std::optional<int> check_locally(const MigrateFlags& flags) {
  std::string dir = temp_dir() + "/cfdeploy-d1-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    print_error("creating a directory for the local check in '" + temp_dir() + "' failed");
    return 1;
  }
  MigrateTarget target{true, dir};
  StepFlags step = flags.wrangler.step;
  step.retries = 0;
  StepOptions options = step_options(
      step, wrangler_argv(flags.wrangler,
                          migrate_args(flags.database, target, flags.wrangler.environment, {})));
  // The check needs no network: keep miniflare from fetching its cf.json.
  options.extra_env.push_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  print_note("checking the migrations on a throwaway local D1 first");
  std::optional<StepResult> result = execute(options);
  std::filesystem::remove_all(dir);
  if (result && result->ok()) {
    return std::nullopt;
  }
  if (result) {
    print_note("the local check failed, so the " + std::string(flags.local ? "local" : "remote") +
               " database was not touched");
  }
  return finish(step, result, options.argv);
}

int run_migrate(const MigrateFlags& flags) {
  if (flags.check_local) {
    if (std::optional<int> failed = check_locally(flags)) {
      return *failed;
    }
  }
  MigrateTarget target{flags.local, {}};
  StepOptions options = step_options(
      flags.wrangler.step,
      wrangler_argv(flags.wrangler, migrate_args(flags.database, target, flags.wrangler.environment,
                                                 flags.wrangler.extra)));
  if (flags.local) {
    options.extra_env.push_back("CLOUDFLARE_CF_FETCH_ENABLED=false");
  }
  return finish(flags.wrangler.step, execute(options), options.argv);
}

void add_step_flags(CLI::App& command, StepFlags& flags) {
  command.add_option("--retries", flags.retries, "Retries for failures a retry can fix")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command.add_option("--timeout", flags.timeout_seconds, "Seconds for the whole step (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--report", flags.report_path, "Write the JSON report to this file");
  command.add_option("-C,--directory", flags.directory, "Run the step in this directory")
      ->check(CLI::ExistingDirectory);
  command.add_option("--retry-delay-ms", flags.retry_delay_ms, "First retry's delay")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str()
      ->group("Advanced");
  command.add_option("--kill-grace-ms", flags.kill_grace_ms, "From SIGTERM to SIGKILL")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str()
      ->group("Advanced");
}

void add_wrangler_flags(CLI::App& command, WranglerFlags& flags) {
  add_step_flags(command, flags.step);
  command.add_option("--wrangler", flags.wrangler,
                     "Command that runs wrangler (default: the project's, PATH's, or npx)");
  command.add_option("-e,--env", flags.environment, "wrangler environment (--env)");
  command.add_option("args", flags.extra, "Extra wrangler arguments, after --");
}

}  // namespace

void add_step_commands(CLI::App& app, StepCommands& commands) {
  commands.run = app.add_subcommand("run", "Run any command as a supervised step: run -- CMD ARGS");
  add_step_flags(*commands.run, commands.run_flags.step);
  commands.run->add_option("command", commands.run_flags.command, "The command, after --")
      ->required();

  commands.deploy = app.add_subcommand("deploy", "Run `wrangler deploy` as a supervised step");
  add_wrangler_flags(*commands.deploy, commands.deploy_flags);

  commands.migrate = app.add_subcommand(
      "migrate", "Run `wrangler d1 migrations apply DATABASE --remote` as a supervised step");
  MigrateFlags& migrate = commands.migrate_flags;
  commands.migrate->add_option("database", migrate.database, "D1 database name or binding")
      ->required();
  add_wrangler_flags(*commands.migrate, migrate.wrangler);
  commands.migrate->add_flag("--local", migrate.local,
                             "Apply to wrangler's local D1 instead of the remote database");
  commands.migrate->add_flag("--check-local", migrate.check_local,
                             "First apply to a throwaway local D1 and stop if that fails");
}

int run_step_command(const StepCommands& commands) {
  if (commands.run->parsed()) {
    return run_generic(commands.run_flags);
  }
  if (commands.deploy->parsed()) {
    return run_deploy(commands.deploy_flags);
  }
  if (commands.migrate->parsed()) {
    return run_migrate(commands.migrate_flags);
  }
  return -1;
}

}  // namespace cfdeploy
