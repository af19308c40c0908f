#include "cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build_info.h"
#include "catalogue_doc.h"
#include "diagnostics.h"
#include "environment.h"
#include "error.h"
#include "github_report.h"
#include "log_reader.h"
#include "preflight_command.h"
#include "report.h"
#include "secrets.h"
#include "step_commands.h"
#include "workflow_commands.h"

namespace cfdeploy {
namespace {

struct ExplainOptions {
  std::string format = "text";
  std::string file;
  bool failed = false;
};

struct CodesOptions {
  std::string format = "md";
};

// The options of every subcommand, bound by CLI11 as it parses.
struct CommandFlags {
  RunFlags run;
  WranglerFlags deploy;
  MigrateFlags migrate;
  PagesFlags pages;
  RestoreFlags restore;
  PreflightFlags preflight;
  ExplainOptions explain;
  CodesOptions codes;
};

// One row per subcommand, in the order --help lists them.
struct Command {
  const char* name;
  const char* description;
  std::function<void(CLI::App&)> add_options;  // binds its options to CommandFlags
  std::function<int()> run;                    // runs it once parsed
  bool uses_token = false;                     // sends and masks the API token
  bool passes_wrangler_args = false;           // wrangler's own options go after --
  CLI::App* app = nullptr;                     // once added
};

// Each diagnostic is one line, so the hint is a line of its own.
constexpr const char* k_usage_hint = "run 'cfdeploy --help' for usage";

int exit_with(ExitCode code) { return static_cast<int>(code); }

bool stdout_wants_color() {
  bool disabled = !env_or_empty("NO_COLOR").empty() || env_or_empty("TERM") == "dumb";
  return !disabled && isatty(STDOUT_FILENO) == 1;
}

std::string version_text() {
  return "cfdeploy " + std::string(build_version()) + " (commit " + std::string(build_commit()) +
         ", sources " + std::string(build_source_digest()) + ")";
}

// The explanation as annotations, step outputs and a job summary, for a
// workflow that ran wrangler its own way and explains the saved log.
void report_explanation_to_github(const Verdict& verdict, const std::string& path) {
  GithubReporter reporter = GithubReporter::from_environment(std::cout);
  // The explanation quotes the log: inside a stop-commands window, nothing in it can act.
  reporter.print_quoted(verdict_to_text(verdict, TextStyle{false}), {});
  SummaryInput summary{
      "cfdeploy explain " + path, &verdict, 0, {}, 0, "", "", "", {}, {}, nullptr, nullptr};
  reporter.report(summary, outputs_for(verdict), {});
}

int run_explain(const ExplainOptions& options) {
  std::string path = options.file.empty() ? "-" : options.file;
  if (options.file.empty() && isatty(STDIN_FILENO) == 1) {
    print_error("explain needs a log: give a FILE, or pipe the log in and pass '-'");
    return exit_with(ExitCode::usage);
  }
  Result<Verdict> verdict = classify_log(path, builtin_catalogue(), options.failed);
  if (!verdict) {
    print_error(verdict.error().message());
    return exit_with(ExitCode::failure);
  }
  if (options.format == "json") {
    // A saved log need not be valid UTF-8, and the evidence quotes it.
    std::cout << escape_json_for_log(redacted_json_text(verdict_to_json(verdict.value()))) << "\n";
  } else if (options.format == "github") {
    report_explanation_to_github(verdict.value(), path);
  } else {
    // It quotes the log, outside any stop-commands window; colour means a terminal.
    bool color = stdout_wants_color();
    std::string text = verdict_to_text(verdict.value(), TextStyle{color});
    std::cout << (color ? text : escape_log_lines(text));
  }
  return exit_with(ExitCode::success);
}

int run_codes(const CodesOptions& options) {
  if (options.format == "json") {
    std::cout << catalogue_json(builtin_catalogue()).dump(2) << "\n";
  } else {
    std::cout << catalogue_markdown(builtin_catalogue());
  }
  return exit_with(ExitCode::success);
}

void add_explain_options(CLI::App& explain, ExplainOptions& options) {
  explain.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "github"}))
      ->capture_default_str();
  explain.add_flag("--failed", options.failed,
                   "The step is known to have failed: never answer ok, say unknown when "
                   "nothing in the log is recognised");
  explain.add_option("file", options.file, "Log file, or '-' for standard input");
}

void add_codes_options(CLI::App& codes, CodesOptions& options) {
  codes.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"md", "json"}))
      ->capture_default_str();
}

std::vector<Command> command_table(CommandFlags& flags) {
  return {
      {"run", "Run any command as a supervised step: run -- CMD ARGS",
       [&](CLI::App& run) { add_run_options(run, flags.run); },
       [&] { return run_run_command(flags.run); }, true, false},
      {"deploy", "Run `wrangler deploy` as a supervised step",
       [&](CLI::App& deploy) { add_deploy_options(deploy, flags.deploy); },
       [&] { return run_deploy_command(flags.deploy); }, true, true},
      {"migrate", "Run `wrangler d1 migrations apply DATABASE --remote` as a supervised step",
       [&](CLI::App& migrate) { add_migrate_options(migrate, flags.migrate); },
       [&] { return run_migrate_command(flags.migrate); }, true, true},
      {"pages", "Run `wrangler pages deploy DIR --project-name NAME` as a supervised step",
       [&](CLI::App& pages) { add_pages_options(pages, flags.pages); },
       [&] { return run_pages_command(flags.pages); }, true, true},
      {"restore", "Run `wrangler d1 time-travel restore DATABASE` as a supervised step",
       [&](CLI::App& restore) { add_restore_options(restore, flags.restore); },
       [&] { return run_restore_command(flags.restore); }, true, true},
      {"preflight", "Check the token, the account and the D1 databases against the Cloudflare API",
       [&](CLI::App& preflight) { add_preflight_options(preflight, flags.preflight); },
       [&] { return run_preflight_command(flags.preflight); }, true, false},
      {"explain", "Classify a saved step log and say what to fix (reads standard input for '-')",
       [&](CLI::App& explain) { add_explain_options(explain, flags.explain); },
       [&] { return run_explain(flags.explain); }, false, false},
      {"codes", "Print the catalogue of known failures",
       [&](CLI::App& codes) { add_codes_options(codes, flags.codes); },
       [&] { return run_codes(flags.codes); }, false, false},
  };
}

// Every subcommand is listed, but only the one on the command line gets its options:
// building them all cost more than the rest of start-up. The subcommand is the first
// argument, since cfdeploy itself has no options but --help and --version.
void add_commands(CLI::App& app, std::vector<Command>& commands, int argc, char** argv) {
  std::string_view chosen = argc > 1 ? argv[1] : "";
  for (Command& command : commands) {
    command.app = app.add_subcommand(command.name, command.description);
    if (chosen == command.name) {
      command.add_options(*command.app);
    }
  }
}

// CLI11 reports a mistyped command only as "A subcommand is required".
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    return std::nullopt;
  }
  std::string names;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == argv[1]) {
      return std::nullopt;
    }
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  return "unknown command '" + std::string(argv[1]) + "' (commands: " + names + ")";
}

// CLI11 reports an unknown option only as "not expected", or not at all when a
// required argument is also missing ("A subcommand is required", "database is
// required"): the unknown option is the mistake to name.
std::string parse_error_text(const CLI::App& app, const std::vector<Command>& commands,
                             const CLI::ParseError& error) {
  for (const std::string& arg : app.remaining(true)) {
    if (arg.size() > 1 && arg[0] == '-' && arg != "--") {
      std::string text = "unknown option '" + arg + "'";
      for (const Command& command : commands) {
        if (command.passes_wrangler_args && command.app->parsed()) {
          text += "; wrangler's own options go after --";
        }
      }
      return text;
    }
  }
  return error.what();
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "cfdeploy: runs Cloudflare deploy, Pages and D1 migration steps and explains failures",
      "cfdeploy"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  CommandFlags flags;
  std::vector<Command> commands = command_table(flags);
  add_commands(app, commands, argc, argv);
  if (std::optional<std::string> problem = unknown_command(app, argc, argv)) {
    print_error(*problem);
    print_note(k_usage_hint);
    return exit_with(ExitCode::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e);  // --help or --version
    }
    print_error(parse_error_text(app, commands, e));
    print_note(k_usage_hint);
    return exit_with(ExitCode::usage);
  }
  for (const Command& command : commands) {
    if (!command.app->parsed()) {
      continue;
    }
    if (std::optional<std::string> problem = short_secret_problem();
        problem && command.uses_token) {
      print_error(*problem);  // these commands send and mask the token
      return exit_with(ExitCode::usage);
    }
    return command.run();
  }
  return exit_with(ExitCode::usage);  // require_subcommand(1) lets none through
}

}  // namespace cfdeploy
