#include "preflight_token_checks.h"

#include <algorithm>
#include <cctype>

namespace cfdeploy {
namespace {

using nlohmann::json;

constexpr const char* k_update_secret =
    "Update the CLOUDFLARE_API_TOKEN secret (Settings › Secrets and variables › Actions) and "
    "re-run the job.";

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
bool reached_account(const PreflightAnswers& answers) {
  bool reached = (answers.token && answers.token->account_owned) ||
                 (answers.scripts && answers.scripts->response.ok());
  for (const auto& [label, db] : answers.databases) {
    for (const std::optional<ApiRequest>* done : {&db.by_id, &db.by_name, &db.query}) {
      reached = reached || (*done && (*done)->response.ok());
    }
  }
  return reached;
}

CheckResult discovery_check(CheckResult check, const ApiRequest& listed,
                            const Catalogue& catalogue) {
  record_request(check, listed);
  const ApiResponse& response = listed.response;
  std::string set_it =
      "Set CLOUDFLARE_ACCOUNT_ID (or account_id in the configuration) to the "
      "32-character account id.";
  if (response.inconclusive()) {
    return inconclusive_check(check, response);
  }
  if (!response.ok() || !response.result.is_array()) {
    check = conclude(check, CheckStatus::fail,
                     "No account id is set, and the token cannot list its accounts (" +
                         response.summary() + "), so wrangler cannot pick one.",
                     {set_it});
    add_catalogue_fix(check, response, "/accounts", catalogue);
    return check;
  }
  std::string ids;
  for (const json& account : response.result) {
    ids += (ids.empty() ? "" : ", ") + api_string(account, "id") + " (" +
           api_string(account, "name") + ")";
  }
  if (response.result.size() == 1) {
    return conclude(
        check, CheckStatus::pass,
        "No account id is set; the token sees one account, " + ids +
            ", which wrangler will pick. Setting CLOUDFLARE_ACCOUNT_ID saves that lookup.");
  }
  return conclude(check, CheckStatus::fail,
                  "No account id is set, and the token sees " +
                      std::to_string(response.result.size()) +
                      " accounts: wrangler cannot choose in CI." +
                      (ids.empty() ? "" : " They are: " + ids + "."),
                  {set_it});
}

}  // namespace

CheckResult token_set_check(const PreflightInput& input) {
  CheckResult check = new_check("token-set", "A Cloudflare API token is set");
  std::vector<std::string> fix = {
      "Pass the secret to the step: env: CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}",
      "Secrets are not given to workflows run for pull requests from forks; if the secret lives "
      "in a GitHub Environment, the job needs `environment:` naming it."};
  std::string fork = input.fork_pull_request
                         ? " This run is for a pull request from a fork, which gets no secrets."
                         : "";
  switch (input.token) {
    case TokenPresence::unset:
      return conclude(check, CheckStatus::fail, "CLOUDFLARE_API_TOKEN is not set." + fork, fix);
    case TokenPresence::empty:
      return conclude(check, CheckStatus::fail,
                      "CLOUDFLARE_API_TOKEN is set but empty, which counts as unset (a missing "
                      "secret expands to an empty string)." +
                          fork,
                      fix);
    case TokenPresence::set:
      break;
  }
  if (!input.token_problem.empty()) {
    return conclude(
        check, CheckStatus::fail, input.token_problem,
        {"Copy the token again without extra characters, or roll it.", k_update_secret});
  }
  return conclude(check, CheckStatus::pass, "CLOUDFLARE_API_TOKEN is set.");
}

CheckResult token_valid_check(const PreflightEvidence& evidence) {
  const PreflightInput& input = evidence.input;
  const PreflightAnswers& answers = evidence.answers;
  CheckResult check = new_check("token-valid", "The API token is valid");
  if (input.token != TokenPresence::set || !input.token_problem.empty() || !answers.token) {
    return conclude(check, CheckStatus::skipped, "Skipped: there is no usable API token.");
  }
  const TokenState& state = *answers.token;
  check.requests = state.requests;
  check.code = state.code;
  std::string expiry = state.expires_on.empty() ? "" : ", expires " + state.expires_on;
  switch (state.status) {
    case TokenStatus::active:
      return conclude(check, CheckStatus::pass,
                      std::string("Cloudflare says the token is active (") +
                          (state.account_owned ? "an account-owned token" : "a user token") +
                          expiry + ").");
    case TokenStatus::expired:
      return conclude(
          check, CheckStatus::fail,
          "The token expired" + (state.expires_on.empty() ? "" : " on " + state.expires_on) + ".",
          {"Roll the token or create a new one (My Profile › API Tokens) with a later "
           "expiry, or none.",
           k_update_secret});
    case TokenStatus::disabled:
      return conclude(
          check, CheckStatus::fail, "The token is disabled.",
          {"Enable it again in My Profile › API Tokens, or create a new one.", k_update_secret});
    case TokenStatus::invalid: {
      ApiResponse facts;
      facts.status = 401;
      facts.errors = {{state.code.value_or(1000), state.detail}};
      check = conclude(check, CheckStatus::fail,
                       "Cloudflare does not recognise the token (" + state.detail + ").");
      add_catalogue_fix(check, facts, "/user/tokens/verify", evidence.catalogue);
      return check;
    }
    case TokenStatus::unknown:
      break;
  }
  return conclude(check, CheckStatus::could_not_check, "Could not check: " + state.detail + ".",
                  {"Re-run; a server error or timeout says nothing about the token."});
}

CheckResult account_check(const PreflightEvidence& evidence) {
  const PreflightInput& input = evidence.input;
  const PreflightAnswers& answers = evidence.answers;
  CheckResult check = new_check("account", "The account id is one the token can reach");
  const AccountChoice& choice = input.account;
  check.where = choice.where;
  std::string find_it =
      "Use the 32-character account id: dashboard › Workers & Pages › Account "
      "details, or `npx wrangler whoami` with the same token.";
  if (choice.id.find('@') != std::string::npos) {
    return conclude(check, CheckStatus::fail,
                    "The account id from " + account_origin(choice) + " is an e-mail address (" +
                        describe_value(choice.id) + "), not an account id.",
                    {find_it});
  }
  if (!choice.id.empty() && !is_account_id(choice.id)) {
    return conclude(check, CheckStatus::fail,
                    "The account id from " + account_origin(choice) + " is " +
                        describe_value(choice.id) + ", not a 32-character hexadecimal id.",
                    {find_it});
  }
  if (std::optional<std::string> reason = token_skip_reason(evidence)) {
    return conclude(check, CheckStatus::skipped, *reason);
  }
  if (answers.accounts) {
    return discovery_check(check, *answers.accounts, evidence.catalogue);
  }
  if (!answers.account) {
    return conclude(check, CheckStatus::skipped, "Skipped: no account id to check.");
  }
  record_request(check, answers.account);
  const ApiResponse& response = answers.account->response;
  std::string which = "account " + choice.id + " from " + account_origin(choice);
  if (response.ok()) {
    std::string name = api_string(response.result, "name");
    return conclude(check, CheckStatus::pass,
                    "The token reaches " + which + (name.empty() ? "" : ", '" + name + "'") + ".");
  }
  if (response.inconclusive()) {
    return inconclusive_check(check, response);
  }
  if (credential_refused(response) && reached_account(answers)) {
    return conclude(check, CheckStatus::pass,
                    "The token reaches " + which +
                        " (other requests there succeeded; it may not "
                        "read the account's details, which wrangler does not need).");
  }
  check = conclude(check, CheckStatus::fail,
                   "The token cannot reach " + which + " (" + response.summary() +
                       "): the id is wrong, or the token is not scoped to this account.",
                   {find_it, "Check the token's Account Resources include this account."});
  add_catalogue_fix(check, response, "/accounts/" + choice.id, evidence.catalogue);
  return check;
}

CheckResult workers_scripts_check(const PreflightEvidence& evidence) {
  const PreflightInput& input = evidence.input;
  const PreflightAnswers& answers = evidence.answers;
  CheckResult check = new_check("workers-scripts", "The token can deploy Workers scripts");
  if (std::optional<std::string> reason = token_skip_reason(evidence)) {
    return conclude(check, CheckStatus::skipped, *reason);
  }
  if (!answers.scripts) {
    return conclude(check, CheckStatus::skipped, "Skipped: no usable account id.");
  }
  record_request(check, answers.scripts);
  std::string worker;
  const ApiResponse& response = answers.scripts->response;
  if (input.config && input.config->name.present() && response.result.is_array()) {
    const std::string& name = input.config->name.value;
    bool exists = std::any_of(response.result.begin(), response.result.end(),
                              [&](const json& s) { return api_string(s, "id") == name; });
    worker = exists ? " Worker '" + name + "' exists."
                    : " Worker '" + name + "' does not exist yet; deploy creates it.";
  }
  return probe_check(check, response, "/workers/scripts",
                     "The token can list the account's Workers scripts." + worker +
                         " No API request proves Workers Scripts Edit without uploading, so "
                         "deploy access could not be verified.",
                     evidence.catalogue);
}

}  // namespace cfdeploy
