// The checks (one function each) and the concurrent requests they are judged on. The report
// is printed by preflight_report.cc (text, JSON) and preflight_github.cc.
#include "preflight.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <future>
#include <map>

#include "catalogue.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* k_update_secret =
    "Update the CLOUDFLARE_API_TOKEN secret (Settings › Secrets and variables › Actions) and "
    "re-run the job.";

// One request and how it went, as the report lists it.
struct Call {
  std::string request;
  ApiResponse response;
};

struct DatabaseAnswers {
  std::optional<Call> by_id;
  std::optional<Call> by_name;
  std::optional<Call> query;
};

// Every answer the checks are judged on; filled concurrently, then read.
struct Answers {
  std::optional<TokenState> token;
  std::string account_id;        // the id used: chosen, or the one account the token sees
  std::optional<Call> accounts;  // GET /accounts, when no id was set
  std::optional<Call> account;   // GET /accounts/{id}
  std::map<std::string, DatabaseAnswers> databases;  // by label
  std::optional<Call> scripts;
};

// A string member of an API object; "" when absent or not a string (never throws).
std::string text_of(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object.at(key).is_string()) {
    return "";
  }
  return object.at(key).get<std::string>();
}

std::string outcome(const ApiResponse& response) {
  if (response.status == 0) {
    return std::string(to_string(response.failure));
  }
  std::optional<int> code = response.error_code();
  return std::to_string(response.status) + (code ? " [code: " + std::to_string(*code) + "]" : "");
}

Call call(CloudflareApi& api, const std::string& method, const std::string& path,
          const json& body = nullptr) {
  Call done{method + " " + path, method == "GET" ? api.get(path) : api.post(path, body)};
  done.request += " -> " + outcome(done.response);
  return done;
}

// std::async, or the same work later on this thread when no thread can be started or
// the API answers at once anyway.
template <typename Work>
auto launch(const CloudflareApi& api, Work work) -> std::future<decltype(work())> {
  if (api.answers_at_once()) {
    return std::async(std::launch::deferred, work);
  }
  try {
    return std::async(std::launch::async, work);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, work);
  }
}

template <typename T>
std::optional<T> take(std::optional<std::future<T>>& pending) {
  if (!pending) {
    return std::nullopt;
  }
  return pending->get();
}

std::string percent_encode(const std::string& text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', k_hex[c >> 4], k_hex[c & 15]};
    }
  }
  return out;
}

TokenState from_verify(TokenState state, const ApiResponse& response, bool account_owned) {
  const json& result = response.result;
  std::string status = text_of(result, "status");
  state.account_owned = account_owned;
  state.expires_on = text_of(result, "expires_on");
  state.status = status == "active"     ? TokenStatus::active
                 : status == "expired"  ? TokenStatus::expired
                 : status == "disabled" ? TokenStatus::disabled
                                        : TokenStatus::unknown;
  state.detail = status.empty() ? "the verify answer had no token status" : "status " + status;
  return state;
}

// 400/401/403, or a code that means the credential itself was refused.
bool refused(const ApiResponse& response) {
  return response.status == 400 || response.status == 401 || response.status == 403 ||
         response.has_error_code(1000) || response.has_error_code(9106);
}

Answers ask(CloudflareApi& api, const PreflightInput& input) {
  Answers answers;
  answers.account_id = input.account.id;
  if (answers.account_id.empty()) {
    answers.accounts = call(api, "GET", "/accounts?per_page=50");
    const json& list = answers.accounts->response.result;
    if (answers.accounts->response.ok() && list.is_array() && list.size() == 1 &&
        list[0].is_object()) {
      answers.account_id = text_of(list[0], "id");
    }
  }
  std::string account = answers.account_id;
  bool usable = is_account_id(account);
  std::string base = "/accounts/" + account;
  auto token =
      launch(api, [&api, account, usable] { return verify_token(api, usable ? account : ""); });
  std::optional<std::future<Call>> account_call, scripts;
  if (usable && !answers.accounts) {
    account_call = launch(api, [&api, base] { return call(api, "GET", base); });
  }
  if (usable && input.workers_scripts) {
    scripts = launch(api, [&api, base] { return call(api, "GET", base + "/workers/scripts"); });
  }
  std::map<std::string, std::array<std::optional<std::future<Call>>, 3>> pending;
  for (const D1DatabaseConfig& db : usable ? input.databases : std::vector<D1DatabaseConfig>{}) {
    auto& jobs = pending[db.label()];
    std::string path = base + "/d1/database";
    if (is_database_id(db.database_id.value)) {
      path += "/" + db.database_id.value;
      jobs[0] = launch(api, [&api, path] { return call(api, "GET", path); });
      if (input.d1_write) {
        jobs[2] = launch(api, [&api, path] {
          return call(api, "POST", path + "/query", json{{"sql", "SELECT 1"}});
        });
      }
    }
    if (!db.database_name.value.empty()) {
      std::string query = base + "/d1/database?name=" + percent_encode(db.database_name.value);
      jobs[1] = launch(api, [&api, query] { return call(api, "GET", query); });
    }
  }
  answers.token = token.get();
  answers.account = take(account_call);
  answers.scripts = take(scripts);
  for (auto& [label, jobs] : pending) {
    answers.databases[label] = {take(jobs[0]), take(jobs[1]), take(jobs[2])};
  }
  return answers;
}

CheckResult make(std::string id, std::string title) {
  CheckResult check;
  check.id = std::move(id);
  check.title = std::move(title);
  return check;
}

CheckResult finish(CheckResult check, CheckStatus status, std::string detail,
                   std::vector<std::string> fix = {}) {
  check.status = status;
  check.detail = std::move(detail);
  check.fix.insert(check.fix.end(), fix.begin(), fix.end());
  return check;
}

void note(CheckResult& check, const std::optional<Call>& done) {
  if (done) {
    check.requests.push_back(done->request);
  }
}

// The catalogue's advice for an API error answer (7403, 10000, 9109, 7404, ...).
void add_catalogue_fix(CheckResult& check, const ApiResponse& response, const std::string& path) {
  check.code = response.error_code();
  const CatalogueEntry* entry = builtin_catalogue().best_match(
      ErrorFacts{response.error_code(), path, response.status, response.summary()});
  if (entry != nullptr) {
    check.fix.insert(check.fix.end(), entry->guidance.begin(), entry->guidance.end());
  }
}

CheckResult could_not(CheckResult check, const ApiResponse& response) {
  std::vector<std::string> fix = {
      "This says nothing about the token or the configuration: re-run, and if it persists "
      "check https://www.cloudflarestatus.com and the runner's network."};
  if (response.failure == TransportFailure::cancelled) {
    fix = {"Preflight was cancelled before this answer came; re-run it to check."};
  } else if (response.failure == TransportFailure::tls) {
    fix.emplace_back("If a proxy intercepts HTTPS, trust its CA with --ca-file or SSL_CERT_FILE.");
  } else if (response.failure == TransportFailure::connection_refused ||
             response.failure == TransportFailure::too_large) {
    fix.emplace_back("Check CLOUDFLARE_API_BASE_URL and HTTPS_PROXY/NO_PROXY if they are set.");
  }
  return finish(std::move(check), CheckStatus::could_not_check,
                "Could not check: " + response.summary() + ".", fix);
}

std::optional<std::string> blocked(const PreflightInput& input, const Answers& answers) {
  if (input.token != TokenPresence::set || !input.token_problem.empty()) {
    return "Skipped: there is no usable API token.";
  }
  TokenStatus status = answers.token ? answers.token->status : TokenStatus::unknown;
  if (status == TokenStatus::invalid || status == TokenStatus::expired ||
      status == TokenStatus::disabled) {
    return "Skipped: the token is " + std::string(to_string(status)) + ".";
  }
  return std::nullopt;
}

std::optional<SourceLocation> location_in(const Error& error) {
  size_t colon = error.context.rfind(':');
  if (colon == std::string::npos || colon + 1 >= error.context.size() ||
      !std::all_of(error.context.begin() + static_cast<long>(colon) + 1, error.context.end(),
                   ::isdigit)) {
    return std::nullopt;
  }
  return SourceLocation{error.context.substr(0, colon), std::stoi(error.context.substr(colon + 1))};
}

CheckResult config_check(const PreflightInput& input) {
  CheckResult check = make("config", "The Wrangler configuration is readable");
  if (input.config_error) {
    check.where = location_in(*input.config_error);
    return finish(check, CheckStatus::fail, input.config_error->message(),
                  {"Fix the file at the place named; wrangler would stop on it too."});
  }
  if (!input.config) {
    return finish(check, CheckStatus::skipped,
                  "No wrangler.json, wrangler.jsonc or wrangler.toml in '" +
                      input.searched_directory + "' or its parents.");
  }
  const WranglerConfig& config = *input.config;
  std::string detail =
      "Read " + config.path + " (" +
      (config.environment.empty() ? "top level" : "environment \"" + config.environment + "\"") +
      "): " + std::to_string(config.d1_databases.size()) + " D1 database(s).";
  for (const std::string& warning : config.warnings) {
    detail += " Note: " + warning + ".";
  }
  return finish(check, CheckStatus::pass, detail);
}

CheckResult token_set_check(const PreflightInput& input) {
  CheckResult check = make("token-set", "A Cloudflare API token is set");
  std::vector<std::string> fix = {
      "Pass the secret to the step: env: CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}",
      "Secrets are not given to workflows run for pull requests from forks; if the secret lives "
      "in a GitHub Environment, the job needs `environment:` naming it."};
  std::string fork = input.fork_pull_request
                         ? " This run is for a pull request from a fork, which gets no secrets."
                         : "";
  switch (input.token) {
    case TokenPresence::unset:
      return finish(check, CheckStatus::fail, "CLOUDFLARE_API_TOKEN is not set." + fork, fix);
    case TokenPresence::empty:
      return finish(check, CheckStatus::fail,
                    "CLOUDFLARE_API_TOKEN is set but empty, which counts as unset (a missing "
                    "secret expands to an empty string)." +
                        fork,
                    fix);
    case TokenPresence::set:
      break;
  }
  if (!input.token_problem.empty()) {
    return finish(check, CheckStatus::fail, input.token_problem,
                  {"Copy the token again without extra characters, or roll it.", k_update_secret});
  }
  return finish(check, CheckStatus::pass, "CLOUDFLARE_API_TOKEN is set.");
}

CheckResult token_valid_check(const PreflightInput& input, const Answers& answers) {
  CheckResult check = make("token-valid", "The API token is valid");
  if (input.token != TokenPresence::set || !input.token_problem.empty() || !answers.token) {
    return finish(check, CheckStatus::skipped, "Skipped: there is no usable API token.");
  }
  const TokenState& state = *answers.token;
  check.requests = state.requests;
  check.code = state.code;
  std::string expiry = state.expires_on.empty() ? "" : ", expires " + state.expires_on;
  switch (state.status) {
    case TokenStatus::active:
      return finish(check, CheckStatus::pass,
                    std::string("Cloudflare says the token is active (") +
                        (state.account_owned ? "an account-owned token" : "a user token") + expiry +
                        ").");
    case TokenStatus::expired:
      return finish(
          check, CheckStatus::fail,
          "The token expired" + (state.expires_on.empty() ? "" : " on " + state.expires_on) + ".",
          {"Roll the token or create a new one (My Profile › API Tokens) with a later "
           "expiry, or none.",
           k_update_secret});
    case TokenStatus::disabled:
      return finish(
          check, CheckStatus::fail, "The token is disabled.",
          {"Enable it again in My Profile › API Tokens, or create a new one.", k_update_secret});
    case TokenStatus::invalid: {
      ApiResponse facts;
      facts.status = 401;
      facts.errors = {{state.code.value_or(1000), state.detail}};
      check = finish(check, CheckStatus::fail,
                     "Cloudflare does not recognise the token (" + state.detail + ").");
      add_catalogue_fix(check, facts, "/user/tokens/verify");
      return check;
    }
    case TokenStatus::unknown:
      break;
  }
  return finish(check, CheckStatus::could_not_check, "Could not check: " + state.detail + ".",
                {"Re-run; a server error or timeout says nothing about the token."});
}

std::string describe_value(const std::string& value) {
  bool spaced = !value.empty() && (std::isspace(static_cast<unsigned char>(value.front())) ||
                                   std::isspace(static_cast<unsigned char>(value.back())));
  bool word_like = std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
  // A long bare word might be a secret pasted into the wrong place: do not print it.
  std::string shown = word_like && value.size() > 24
                          ? "a " + std::to_string(value.size()) + "-character value"
                          : "'" + value + "'";
  return shown + (spaced ? ", with spaces or a line break around it" : "");
}

std::string account_origin(const AccountChoice& choice) {
  std::string text = choice.origin + (choice.where ? " (" + choice.where->text() + ")" : "");
  if (!choice.overridden.empty()) {
    text += "; CLOUDFLARE_ACCOUNT_ID is " + describe_value(choice.overridden) +
            ", but wrangler uses the configuration's account_id first";
  }
  return text;
}

// Whether any request under /accounts/{id} succeeded, which proves the token reaches it.
bool reached_account(const Answers& answers) {
  bool reached = (answers.token && answers.token->account_owned) ||
                 (answers.scripts && answers.scripts->response.ok());
  for (const auto& [label, db] : answers.databases) {
    for (const std::optional<Call>* done : {&db.by_id, &db.by_name, &db.query}) {
      reached = reached || (*done && (*done)->response.ok());
    }
  }
  return reached;
}

CheckResult discovery_check(CheckResult check, const Call& listed) {
  note(check, listed);
  const ApiResponse& response = listed.response;
  std::string set_it =
      "Set CLOUDFLARE_ACCOUNT_ID (or account_id in the configuration) to the "
      "32-character account id.";
  if (response.inconclusive()) {
    return could_not(check, response);
  }
  if (!response.ok() || !response.result.is_array()) {
    check = finish(check, CheckStatus::fail,
                   "No account id is set, and the token cannot list its accounts (" +
                       response.summary() + "), so wrangler cannot pick one.",
                   {set_it});
    add_catalogue_fix(check, response, "/accounts");
    return check;
  }
  std::string ids;
  for (const json& account : response.result) {
    ids +=
        (ids.empty() ? "" : ", ") + text_of(account, "id") + " (" + text_of(account, "name") + ")";
  }
  if (response.result.size() == 1) {
    return finish(
        check, CheckStatus::pass,
        "No account id is set; the token sees one account, " + ids +
            ", which wrangler will pick. Setting CLOUDFLARE_ACCOUNT_ID saves that lookup.");
  }
  return finish(check, CheckStatus::fail,
                "No account id is set, and the token sees " +
                    std::to_string(response.result.size()) +
                    " accounts: wrangler cannot choose in CI." +
                    (ids.empty() ? "" : " They are: " + ids + "."),
                {set_it});
}

CheckResult account_check(const PreflightInput& input, const Answers& answers) {
  CheckResult check = make("account", "The account id is one the token can reach");
  const AccountChoice& choice = input.account;
  check.where = choice.where;
  std::string find_it =
      "Use the 32-character account id: dashboard › Workers & Pages › Account "
      "details, or `npx wrangler whoami` with the same token.";
  if (choice.id.find('@') != std::string::npos) {
    return finish(check, CheckStatus::fail,
                  "The account id from " + account_origin(choice) + " is an e-mail address (" +
                      describe_value(choice.id) + "), not an account id.",
                  {find_it});
  }
  if (!choice.id.empty() && !is_account_id(choice.id)) {
    return finish(check, CheckStatus::fail,
                  "The account id from " + account_origin(choice) + " is " +
                      describe_value(choice.id) + ", not a 32-character hexadecimal id.",
                  {find_it});
  }
  if (std::optional<std::string> reason = blocked(input, answers)) {
    return finish(check, CheckStatus::skipped, *reason);
  }
  if (answers.accounts) {
    return discovery_check(check, *answers.accounts);
  }
  if (!answers.account) {
    return finish(check, CheckStatus::skipped, "Skipped: no account id to check.");
  }
  note(check, answers.account);
  const ApiResponse& response = answers.account->response;
  std::string which = "account " + choice.id + " from " + account_origin(choice);
  if (response.ok()) {
    std::string name = text_of(response.result, "name");
    return finish(check, CheckStatus::pass,
                  "The token reaches " + which + (name.empty() ? "" : ", '" + name + "'") + ".");
  }
  if (response.inconclusive()) {
    return could_not(check, response);
  }
  if (refused(response) && reached_account(answers)) {
    return finish(check, CheckStatus::pass,
                  "The token reaches " + which +
                      " (other requests there succeeded; it may not "
                      "read the account's details, which wrangler does not need).");
  }
  check = finish(check, CheckStatus::fail,
                 "The token cannot reach " + which + " (" + response.summary() +
                     "): the id is wrong, or the token is not scoped to this account.",
                 {find_it, "Check the token's Account Resources include this account."});
  add_catalogue_fix(check, response, "/accounts/" + choice.id);
  return check;
}

}  // namespace
namespace {

std::optional<std::string> id_by_name(const DatabaseAnswers& answers, const std::string& name) {
  if (!answers.by_name || !answers.by_name->response.ok() ||
      !answers.by_name->response.result.is_array()) {
    return std::nullopt;
  }
  for (const json& db : answers.by_name->response.result) {
    if (text_of(db, "name") == name && !text_of(db, "uuid").empty()) {
      return text_of(db, "uuid");
    }
  }
  return std::nullopt;
}

std::string set_id_fix(const D1DatabaseConfig& db, const std::string& uuid) {
  std::string at = db.database_id.where ? " at " + db.database_id.where->text() : "";
  return "Set database_id = \"" + uuid + "\"" + at + " (the id of '" + db.label() +
         "' in this account).";
}

std::string create_fix(const D1DatabaseConfig& db) {
  return "Find the id with `npx wrangler d1 list`, or create the database with `npx wrangler d1 "
         "create " +
         db.label() + "`, and put the id it prints in database_id.";
}

CheckResult missing_id_check(const CheckResult& check, const D1DatabaseConfig& db,
                             const DatabaseAnswers& answers, const std::string& account) {
  std::optional<std::string> found = id_by_name(answers, db.database_name.value);
  if (found) {
    return finish(check, CheckStatus::pass,
                  "No database_id in the configuration; wrangler looks '" + db.label() +
                      "' up by name and finds " + *found + ". Adding database_id = \"" + *found +
                      "\" saves that lookup (older wrangler versions need it).");
  }
  if (answers.by_name && answers.by_name->response.ok()) {
    return finish(check, CheckStatus::fail,
                  "No database_id in the configuration, and account " + account +
                      " has no database named '" + db.label() + "'.",
                  {create_fix(db)});
  }
  if (!answers.by_name || answers.by_name->response.inconclusive()) {
    return answers.by_name
               ? could_not(check, answers.by_name->response)
               : finish(check, CheckStatus::fail,
                        "The entry has neither database_id nor database_name.", {create_fix(db)});
  }
  return finish(check, CheckStatus::could_not_check,
                "No database_id, and the token may not list D1 databases (" +
                    answers.by_name->response.summary() + ").",
                {create_fix(db)});
}

CheckResult found_check(CheckResult check, const D1DatabaseConfig& db, const ApiResponse& got,
                        const std::optional<std::string>& by_name, const std::string& account) {
  std::string name = text_of(got.result, "name");
  const ConfigValue& wanted = db.database_name;
  if (!wanted.present() || name.empty() || name == wanted.value) {
    return finish(
        check, CheckStatus::pass,
        "'" + db.label() + "' (" + db.database_id.value + ") exists in account " + account + ".");
  }
  check.where = db.database_id.where;
  return finish(check, CheckStatus::fail,
                "database_id " + db.database_id.value + " is the id of database '" + name +
                    "', not of '" + wanted.value + "': the step would touch the wrong database.",
                {by_name ? set_id_fix(db, *by_name)
                         : "If '" + name + "' is the right database, set database_name = \"" +
                               name + "\" at " + (wanted.where ? wanted.where->text() : "") +
                               "; otherwise fix database_id."});
}

CheckResult database_check(const PreflightInput& input, const Answers& answers,
                           const D1DatabaseConfig& db) {
  CheckResult check = make("d1-database:" + db.label(),
                           "D1 database '" + db.label() + "' exists and matches the configuration");
  auto entry = answers.databases.find(db.label());
  DatabaseAnswers none;
  const DatabaseAnswers& got = entry == answers.databases.end() ? none : entry->second;
  note(check, got.by_id);
  note(check, got.by_name);
  std::optional<std::string> by_name = id_by_name(got, db.database_name.value);
  const ConfigValue& uuid = db.database_id;
  if (uuid.present() && !is_database_id(uuid.value)) {
    check.where = uuid.where;
    check.code = 7400;
    return finish(check, CheckStatus::fail,
                  "database_id '" + uuid.value.substr(0, 64) + "'" +
                      " is a placeholder, not a database id (a UUID).",
                  {by_name ? set_id_fix(db, *by_name) : create_fix(db)});
  }
  if (std::optional<std::string> reason = blocked(input, answers)) {
    return finish(check, CheckStatus::skipped, *reason);
  }
  if (!is_account_id(answers.account_id)) {
    return finish(check, CheckStatus::skipped, "Skipped: no usable account id.");
  }
  if (!uuid.present()) {
    return missing_id_check(check, db, got, answers.account_id);
  }
  const ApiResponse& response = got.by_id->response;
  if (response.ok()) {
    return found_check(check, db, response, by_name, answers.account_id);
  }
  if (response.inconclusive()) {
    return could_not(check, response);
  }
  if (response.status == 404 || response.has_error_code(7404)) {
    check.where = uuid.where;
    check.code = response.error_code();
    if (by_name) {
      return finish(check, CheckStatus::fail,
                    "Account " + answers.account_id + " has no database " + uuid.value + ", but '" +
                        db.label() + "' there has id " + *by_name +
                        ": the configured id does not match.",
                    {set_id_fix(db, *by_name)});
    }
    check = finish(check, CheckStatus::fail,
                   "Account " + answers.account_id + " has no database with id " + uuid.value +
                       " or named '" + db.label() + "'.",
                   {create_fix(db)});
    add_catalogue_fix(check, response, "/d1/database");
    return check;
  }
  // The token may not read D1 here: that alone does not stop a deploy, so only d1-write fails.
  check.code = response.error_code();
  return finish(check, CheckStatus::could_not_check,
                "The token may not read D1 in account " + answers.account_id + " (" +
                    response.summary() + "), so the database could not be checked.");
}

CheckResult probe_result(CheckResult check, const ApiResponse& response, const std::string& path,
                         const std::string& proven) {
  if (response.ok()) {
    return finish(check, CheckStatus::could_not_check, proven);
  }
  if (response.inconclusive()) {
    return could_not(check, response);
  }
  check =
      finish(check, CheckStatus::fail, "The API refused the probe: " + response.summary() + ".");
  add_catalogue_fix(check, response, path);
  return check;
}

CheckResult d1_write_check(const PreflightInput& input, const Answers& answers,
                           const D1DatabaseConfig& db) {
  CheckResult check =
      make("d1-write:" + db.label(), "The token can write to D1 database '" + db.label() + "'");
  auto entry = answers.databases.find(db.label());
  if (std::optional<std::string> reason = blocked(input, answers)) {
    return finish(check, CheckStatus::skipped, *reason);
  }
  if (entry == answers.databases.end() || !entry->second.query) {
    return finish(check, CheckStatus::skipped,
                  "Skipped: no usable account id or database_id to probe with.");
  }
  const DatabaseAnswers& got = entry->second;
  note(check, got.query);
  const ApiResponse& by_id = got.by_id->response;
  if (by_id.status == 404 || by_id.has_error_code(7404)) {
    return finish(check, CheckStatus::skipped, "Skipped: the database was not found.");
  }
  return probe_result(
      check, got.query->response, "/d1/database/query",
      "SELECT 1 ran on '" + db.label() +
          "', so the token can read it. No API request proves D1 Edit without writing, so "
          "write access could not be verified; migrations need Account › D1 › Edit.");
}

CheckResult scripts_check(const PreflightInput& input, const Answers& answers) {
  CheckResult check = make("workers-scripts", "The token can deploy Workers scripts");
  if (std::optional<std::string> reason = blocked(input, answers)) {
    return finish(check, CheckStatus::skipped, *reason);
  }
  if (!answers.scripts) {
    return finish(check, CheckStatus::skipped, "Skipped: no usable account id.");
  }
  note(check, answers.scripts);
  std::string worker;
  const ApiResponse& response = answers.scripts->response;
  if (input.config && input.config->name.present() && response.result.is_array()) {
    const std::string& name = input.config->name.value;
    bool exists = std::any_of(response.result.begin(), response.result.end(),
                              [&](const json& s) { return text_of(s, "id") == name; });
    worker = exists ? " Worker '" + name + "' exists."
                    : " Worker '" + name + "' does not exist yet; deploy creates it.";
  }
  return probe_result(check, response, "/workers/scripts",
                      "The token can list the account's Workers scripts." + worker +
                          " No API request proves Workers Scripts Edit without uploading, so "
                          "deploy access could not be verified.");
}

CheckResult not_in_config_check(const PreflightInput& input, const std::string& name) {
  CheckResult check = make("d1-database:" + name,
                           "D1 database '" + name + "' exists and matches the configuration");
  if (!input.config) {
    return finish(check, CheckStatus::fail,
                  "No configuration file to look up D1 database '" + name + "' in.",
                  {"Run in the project's directory (-C) or pass --config."});
  }
  std::string names;
  for (const D1DatabaseConfig& db : input.config->d1_databases) {
    names += (names.empty() ? "" : ", ") + db.label();
  }
  std::string env = input.config->environment.empty()
                        ? "the top level"
                        : "environment \"" + input.config->environment + "\"";
  return finish(
      check, CheckStatus::fail,
      "'" + name + "' is neither a database_name nor a binding in " + env + " of " +
          input.config->path + ".",
      {
          names.empty() ? "Add a [[d1_databases]] entry, or pass --env if it is under one."
                        : "Use one of: " + names + " (or pass --env).",
      });
}

std::vector<CheckResult> all_checks(CloudflareApi& api, const PreflightInput& input) {
  std::vector<CheckResult> checks = {config_check(input), token_set_check(input)};
  bool usable_token = input.token == TokenPresence::set && input.token_problem.empty();
  Answers answers;
  answers.account_id = input.account.id;
  if (usable_token && (input.account.id.empty() || is_account_id(input.account.id))) {
    answers = ask(api, input);
  } else if (usable_token) {
    answers.token = verify_token(api, "");  // the account id is unusable; the token may not be
  }
  checks.push_back(token_valid_check(input, answers));
  checks.push_back(account_check(input, answers));
  for (const D1DatabaseConfig& db : input.databases) {
    checks.push_back(database_check(input, answers, db));
  }
  for (const std::string& name : input.missing_databases) {
    checks.push_back(not_in_config_check(input, name));
  }
  for (const D1DatabaseConfig& db :
       input.d1_write ? input.databases : std::vector<D1DatabaseConfig>{}) {
    checks.push_back(d1_write_check(input, answers, db));
  }
  if (input.workers_scripts) {
    checks.push_back(scripts_check(input, answers));
  }
  return checks;
}

}  // namespace

std::string_view to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass:
      return "pass";
    case CheckStatus::fail:
      return "fail";
    case CheckStatus::skipped:
      return "skipped";
    case CheckStatus::could_not_check:
      break;
  }
  return "could not check";
}

std::string_view to_string(TokenStatus status) {
  static constexpr std::array<std::string_view, 5> k_names = {"active", "expired", "disabled",
                                                              "invalid", "unknown"};
  return k_names[static_cast<size_t>(status)];
}

bool PreflightReport::ok() const {
  return std::none_of(checks.begin(), checks.end(),
                      [](const CheckResult& check) { return check.status == CheckStatus::fail; });
}

bool PreflightReport::token_unverified() const {
  const CheckResult* token = find("token-valid");
  return token != nullptr && token->status == CheckStatus::could_not_check;
}

const CheckResult* PreflightReport::find(std::string_view id) const {
  auto found = std::find_if(checks.begin(), checks.end(),
                            [id](const CheckResult& check) { return check.id == id; });
  return found == checks.end() ? nullptr : &*found;
}

bool is_account_id(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

bool is_database_id(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

AccountChoice choose_account(const std::string& flag, const WranglerConfig* config,
                             const std::string& environment_value) {
  AccountChoice choice;
  if (!flag.empty()) {
    choice.id = flag;
    choice.origin = "--account-id";
  } else if (config != nullptr && config->account_id.present()) {
    choice.id = config->account_id.value;
    choice.origin = "account_id";
    choice.where = config->account_id.where;
    if (!environment_value.empty() && environment_value != choice.id) {
      choice.overridden = environment_value;
    }
  } else if (!environment_value.empty()) {
    choice.id = environment_value;
    choice.origin = "CLOUDFLARE_ACCOUNT_ID";
  }
  return choice;
}

TokenState verify_token(CloudflareApi& api, const std::string& account_id) {
  TokenState state;
  Call user = call(api, "GET", "/user/tokens/verify");
  state.requests.push_back(user.request);
  const ApiResponse& first = user.response;
  if (first.failure == TransportFailure::none && first.status >= 200 && first.status < 300) {
    return from_verify(state, first, false);
  }
  if (first.inconclusive() || !refused(first)) {
    state.detail = first.summary();
    return state;
  }
  state.status = TokenStatus::invalid;
  state.code = first.error_code();
  state.detail = first.summary();
  if (!first.has_error_code(1000) || !is_account_id(account_id)) {
    return state;
  }
  // 1000 is also what the user endpoint says to a working account-owned token.
  Call owned = call(api, "GET", "/accounts/" + account_id + "/tokens/verify");
  state.requests.push_back(owned.request);
  const ApiResponse& second = owned.response;
  if (second.failure == TransportFailure::none && second.status >= 200 && second.status < 300) {
    return from_verify(state, second, true);
  }
  if (second.inconclusive()) {
    state.status = TokenStatus::unknown;
    state.detail = "not a user token, and the account-token check failed: " + second.summary();
  } else {
    state.detail += "; as an account token: " + second.summary();
  }
  return state;
}

PreflightReport run_preflight(CloudflareApi& api, const PreflightInput& input) {
  Clock::time_point start = Clock::now();
  PreflightReport report;
  try {
    report.checks = all_checks(api, input);
  } catch (const std::exception& e) {  // a bug, or no memory: report it, do not crash the step
    report.checks.push_back(finish(make("preflight", "Preflight ran"), CheckStatus::could_not_check,
                                   std::string("Preflight stopped: ") + e.what() + "."));
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return report;
}

}  // namespace cfdeploy
