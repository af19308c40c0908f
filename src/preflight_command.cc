#include "preflight_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "catalogue.h"
#include "cloudflare_api.h"
#include "diagnostics.h"
#include "environment.h"
#include "error.h"
#include "json_depth.h"
#include "number_option.h"
#include "preflight.h"
#include "preflight_github.h"
#include "preflight_report.h"
#include "process.h"
#include "secrets.h"
#include "workflow_commands.h"

namespace cfdeploy {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// From a millisecond (less rounds down to no time at all) to an hour.
constexpr NumberRange k_request_seconds{0.001, 3600, false, "seconds"};

enum class PreflightNeeds { deploy, migrate, pages, all };
enum class PreflightFormat { text, json, github };

// One preflight run with every setting resolved: what `preflight`'s flags and a step's
// gate both become.
struct PreflightRequest {
  std::string config_path;             // empty: found the way wrangler finds it
  std::string directory;               // the project's directory; empty: the current one
  std::string environment;             // empty: $CLOUDFLARE_ENV, else the top level
  std::vector<std::string> databases;  // names or bindings; empty: all in the config
  PreflightNeeds needs = PreflightNeeds::all;
  std::string pages_project;  // --for pages: the project; empty: the configuration's name
  PreflightFormat format = PreflightFormat::text;
  std::string account_id;                  // beats account_id and the environment
  std::string ca_file;                     // empty: $SSL_CERT_FILE, else the system's
  milliseconds connect_timeout{5000};      // --connect-timeout's default
  milliseconds request_timeout{15000};     // --timeout's default, per request
  std::optional<milliseconds> time_limit;  // a step's: no request outlasts it
};

// Says where the bad character is without showing any of the token.
std::string token_problem(const std::string& token) {
  for (size_t i = 0; i < token.size(); ++i) {
    auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7e) {
      char hex[8];
      (void)std::snprintf(hex, sizeof hex, "0x%02X", c);
      return "The token has a character that cannot be sent in an HTTP header (byte " +
             std::string(hex) + " at position " + std::to_string(i + 1) + ").";
    }
  }
  return "";
}

// GitHub gives no secrets to pull_request runs from forks; the event payload says if it is one.
bool fork_pull_request() {
  std::optional<std::string> event = env_value("GITHUB_EVENT_NAME");
  std::optional<std::string> path = env_value("GITHUB_EVENT_PATH");
  if (!event || !event->starts_with("pull_request") || !path) {
    return false;
  }
  std::ifstream in(*path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // GitHub's payloads nest a few levels; a far deeper file would overflow the stack.
  constexpr int k_max_payload_depth = 256;
  nlohmann::json payload = json_nesting_past(text, k_max_payload_depth)
                               ? nlohmann::json()
                               : nlohmann::json::parse(text, nullptr, false);
  const nlohmann::json::json_pointer head("/pull_request/head/repo/full_name");
  const nlohmann::json::json_pointer base("/pull_request/base/repo/full_name");
  return !payload.is_discarded() && payload.contains(head) && payload.contains(base) &&
         payload.at(head) != payload.at(base);
}

// Relative to the current directory when inside it, as wrangler prints paths.
std::string display_path(const std::string& path) {
  std::error_code error;
  fs::path relative = fs::relative(path, fs::current_path(error), error);
  return !error && !relative.empty() && *relative.begin() != ".." ? relative.string() : path;
}

std::string project_directory(const PreflightRequest& request) {
  return request.directory.empty() ? "." : request.directory;
}

void read_config(const PreflightRequest& request, PreflightInput& input) {
  std::string path = request.config_path;
  if (!path.empty() && fs::path(path).is_relative() && !request.directory.empty()) {
    path = (fs::path(request.directory) / path).string();  // wrangler resolves it from there
  }
  if (path.empty()) {
    path = find_wrangler_config(project_directory(request));
  }
  if (path.empty()) {
    // Reading it says what it is instead ("it is a directory"): clearer than "none found".
    path = find_unusable_wrangler_config(project_directory(request));
  }
  input.searched_directory = project_directory(request);
  if (path.empty()) {
    return;
  }
  std::string environment = request.environment;
  if (environment.empty()) {
    environment = env_value("CLOUDFLARE_ENV").value_or("");  // wrangler's --env default
  }
  Result<WranglerConfig> config = read_wrangler_config(display_path(path), environment);
  if (config) {
    input.config = std::move(config.value());
  } else {
    input.config_error = config.error();
  }
}

void choose_databases(const PreflightRequest& request, PreflightInput& input) {
  if (request.databases.empty()) {
    input.databases = input.config ? input.config->d1_databases : input.databases;
    return;
  }
  for (const std::string& name : request.databases) {
    const D1DatabaseConfig* found = input.config ? input.config->find_d1(name) : nullptr;
    bool seen = found != nullptr && std::any_of(input.databases.begin(), input.databases.end(),
                                                [&](const D1DatabaseConfig& db) {
                                                  return db.label() == found->label();
                                                });
    if (seen) {
      continue;  // the same entry, named by binding and by database_name
    }
    if (found != nullptr) {
      input.databases.push_back(*found);
    } else if (!input.config_error) {
      input.missing_databases.push_back(name);
    }
  }
}

// --project-name, else the configuration's `name`, as `wrangler pages deploy` picks it.
void choose_pages_project(const PreflightRequest& request, PreflightInput& input) {
  input.pages = true;
  input.pages_project = request.pages_project;
  if (input.pages_project.empty() && input.config && input.config->name.present()) {
    input.pages_project = input.config->name.value;
  }
}

PreflightInput build_input(const PreflightRequest& request, const std::string& token) {
  PreflightInput input;
  read_config(request, input);
  std::optional<std::string> raw_token = env_value("CLOUDFLARE_API_TOKEN");
  input.token = !raw_token      ? TokenPresence::unset
                : token.empty() ? TokenPresence::empty
                                : TokenPresence::set;
  input.token_problem = token_problem(token);
  input.fork_pull_request = fork_pull_request();
  input.account = choose_account(request.account_id, input.config ? &*input.config : nullptr,
                                 env_value("CLOUDFLARE_ACCOUNT_ID").value_or(""));
  bool all = request.needs == PreflightNeeds::all;
  if (request.needs == PreflightNeeds::pages) {
    choose_pages_project(request, input);
    return input;  // a Pages deploy touches no D1 database and no Workers script of its own
  }
  choose_databases(request, input);
  input.d1_write = (all || request.needs == PreflightNeeds::migrate) && !input.databases.empty();
  input.workers_scripts = all || request.needs == PreflightNeeds::deploy;
  return input;
}

milliseconds to_ms(double seconds) { return milliseconds(static_cast<long>(seconds * 1000)); }

// The flags' strings, which CLI11 has checked, as the request's values.
PreflightRequest request_from_flags(const PreflightFlags& flags) {
  PreflightRequest request;
  request.config_path = flags.config_path;
  request.directory = flags.directory;
  request.environment = flags.environment;
  request.databases = flags.databases;
  request.needs = flags.needs == "deploy"    ? PreflightNeeds::deploy
                  : flags.needs == "migrate" ? PreflightNeeds::migrate
                  : flags.needs == "pages"   ? PreflightNeeds::pages
                                             : PreflightNeeds::all;
  request.pages_project = flags.pages_project;
  request.format = flags.format == "json"     ? PreflightFormat::json
                   : flags.format == "github" ? PreflightFormat::github
                                              : PreflightFormat::text;
  request.account_id = flags.account_id;
  request.ca_file = flags.ca_file;
  request.connect_timeout = to_ms(flags.connect_timeout_seconds);
  request.request_timeout = to_ms(flags.timeout_seconds);
  return request;
}

// What the step is about to do, as the checks it needs.
PreflightRequest request_from_gate(const PreflightGate& gate) {
  PreflightRequest request;
  request.directory = gate.directory;
  request.environment = gate.environment;
  request.config_path = gate.config_path;
  request.needs = gate.step == GateStep::migrate ? PreflightNeeds::migrate
                  : gate.step == GateStep::pages ? PreflightNeeds::pages
                                                 : PreflightNeeds::deploy;
  request.pages_project = gate.pages_project;
  if (gate.step == GateStep::migrate && !gate.database.empty()) {
    request.databases = {gate.database};
  }
  request.format = gate.github ? PreflightFormat::github : PreflightFormat::text;
  request.time_limit = gate.time_limit;
  return request;
}

constexpr int k_signal_status_base = 128;  // the shell's 128 + signal

std::string token_from_environment() {
  return trim_http_whitespace(env_value("CLOUDFLARE_API_TOKEN").value_or(""));
}

Result<std::unique_ptr<CloudflareApi>> make_api(const PreflightRequest& request,
                                                const std::string& token,
                                                Cancellation* cancellation) {
  HttpOptions options = http_options_from_environment();
  options.token = token;
  options.ca_file = request.ca_file;
  options.connect_timeout = request.connect_timeout;
  options.total_timeout = request.request_timeout;
  if (request.time_limit) {
    options.deadline = std::chrono::steady_clock::now() + *request.time_limit;
  }
  options.cancellation = cancellation;
  return make_http_api(options);
}

// Runs preflight and writes the report to `out`; returns the exit status.
int execute(const PreflightRequest& request, std::ostream& out) {
  std::string token = token_from_environment();
  PreflightInput input = build_input(request, token);
  Cancellation cancellation;
  Result<std::unique_ptr<CloudflareApi>> api = make_api(request, token, &cancellation);
  if (!api) {
    print_error(scrub_secret(api.error().message(), token));
    return static_cast<int>(ExitCode::usage);
  }
  PreflightReport report;
  {
    // SIGINT/SIGTERM end the requests in flight; the report then says what was found.
    CancelOnSignal cancel_on_signal(cancellation);
    report = run_preflight(*api.value(), input, builtin_catalogue());
  }
  // A server's non-JSON body is quoted in the details and need not be valid UTF-8.
  // Redacted before JSON escaping, which would hide a token with a quote or backslash.
  bool as_json = request.format == PreflightFormat::json;
  std::string text = as_json ? redacted_json_text(preflight_to_json(report)) + "\n"
                             : redact_secrets(preflight_to_text(report));
  text = scrub_secret(text, token);
  if (request.format == PreflightFormat::github) {
    report_preflight_to_github(report, text, secret_values(), out);
  } else {
    // Outside any stop-commands window: no line of it may act on a runner.
    out << (as_json ? escape_json_for_log(text) : escape_log_lines(text)) << std::flush;
  }
  if (int signal = cancellation.signal()) {
    print_note("preflight was cancelled by signal " + std::to_string(signal) + "; exit status " +
               std::to_string(k_signal_status_base + signal));
    return k_signal_status_base + signal;
  }
  return static_cast<int>(report.ok() ? ExitCode::success : ExitCode::failure);
}

}  // namespace

void add_preflight_options(CLI::App& command, PreflightFlags& flags) {
  command.add_option("--config", flags.config_path,
                     "Wrangler configuration file (default: wrangler.json, .jsonc or .toml)");
  command.add_option("-e,--env", flags.environment, "wrangler environment (--env)");
  command
      .add_option("--database", flags.databases,
                  "D1 database name or binding to check (repeatable; default: all)")
      ->allow_extra_args(false);
  command.add_option("--for", flags.needs, "Which step's access to probe")
      ->check(CLI::IsMember({"deploy", "migrate", "pages", "all"}))
      ->capture_default_str();
  command.add_option("--project-name", flags.pages_project,
                     "--for pages: the Pages project (default: `name` in the configuration)");
  command.add_option("--format", flags.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "github"}))
      ->capture_default_str();
  command.add_option("--account-id", flags.account_id,
                     "Account id to check (default: account_id, then CLOUDFLARE_ACCOUNT_ID)");
  command.add_option("-C,--directory", flags.directory, "The project's directory")
      ->check(CLI::ExistingDirectory);
  command.add_option("--ca-file", flags.ca_file, "Trusted CA certificates (PEM)")
      ->check(CLI::ExistingFile);
  command.add_option("--connect-timeout", flags.connect_timeout_seconds, "Seconds to connect")
      ->check(number_check(k_request_seconds))
      ->capture_default_str();
  command
      .add_option("--timeout", flags.timeout_seconds,
                  "Seconds for each request, from connecting to the last byte")
      ->check(number_check(k_request_seconds))
      ->capture_default_str();
}

int run_preflight_command(const PreflightFlags& flags) {
  return execute(request_from_flags(flags), std::cout);
}

std::optional<int> preflight_gate(const PreflightGate& gate) {
  print_note(gate.step == GateStep::pages
                 ? "preflight: checking the token, the account and the Pages project first"
                 : "preflight: checking the token, the account and the D1 databases first");
  int status = execute(request_from_gate(gate), gate.github ? std::cout : std::cerr);
  if (status == static_cast<int>(ExitCode::success)) {
    return std::nullopt;
  }
  print_note(status > k_signal_status_base ? "preflight was cancelled, so wrangler was not started"
                                           : "preflight failed, so wrangler was not started");
  return status;
}

Result<StepApiAccess> step_api_access(const PreflightGate& gate, Cancellation* cancellation) {
  PreflightRequest request = request_from_gate(gate);
  std::string token = token_from_environment();
  StepApiAccess access;
  access.input = build_input(request, token);
  Result<std::unique_ptr<CloudflareApi>> api = make_api(request, token, cancellation);
  if (!api) {
    return Error{scrub_secret(api.error().context, token), scrub_secret(api.error().cause, token)};
  }
  access.api = std::move(api.value());
  return access;
}

PreflightInput read_gate_input(const PreflightGate& gate) {
  std::string token = trim_http_whitespace(env_value("CLOUDFLARE_API_TOKEN").value_or(""));
  return build_input(request_from_gate(gate), token);
}

}  // namespace cfdeploy
