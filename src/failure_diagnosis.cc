// The order of work: pick the checks the failure's kind needs, ask every question at once
// (preflight_requests), judge the answers with preflight's checks, then say what they show.
#include "failure_diagnosis.h"

#include <algorithm>

#include "api_request.h"
#include "preflight_check.h"
#include "preflight_d1_checks.h"
#include "preflight_requests.h"
#include "preflight_token_checks.h"
#include "project_locator.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

constexpr size_t k_max_listed = 20;  // names a conclusion lists before "and N more"
constexpr const char* k_d1_edit = "Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit";

bool has_code(const Finding& finding, int code) {
  return finding.code == code ||
         std::find(finding.codes.begin(), finding.codes.end(), code) != finding.codes.end();
}

bool about_d1(const Finding& finding) {
  return finding.resource.find("/d1/") != std::string::npos ||
         finding.entry->id.rfind("d1-", 0) == 0;
}

// The path segment after `marker`: "/accounts/" in "/accounts/a/d1" gives "a".
std::string segment_after(std::string_view path, std::string_view marker) {
  size_t at = path.find(marker);
  if (at == std::string_view::npos) {
    return "";
  }
  size_t start = at + marker.size();
  size_t end = path.find_first_of("/?", start);
  return std::string(path.substr(start, end == std::string_view::npos ? end : end - start));
}

// "a (id), b (id) and 3 more": what a list answer holds, by `name_key` and `id_key`.
std::string listed_names(const json& list, const char* name_key, const char* id_key) {
  std::string text;
  size_t shown = 0;
  for (const json& item : list) {
    if (shown == k_max_listed) {
      return text + " and " + std::to_string(list.size() - shown) + " more";
    }
    std::string name = api_string(item, name_key);
    std::string id = id_key != nullptr ? api_string(item, id_key) : "";
    text += (shown == 0 ? "" : ", ") + ("'" + name + "'") + (id.empty() ? "" : " (" + id + ")");
    ++shown;
  }
  return text;
}

// wrangler used the account its failed request names, whatever the configuration says.
void use_failed_account(PreflightInput& input, const FailurePath& path) {
  if (!path.account_id.empty() && path.account_id != input.account.id) {
    input.account = AccountChoice{path.account_id, "the failed request's path", std::nullopt, ""};
  }
}

// The D1 entries a failure is about: the one whose id the failed request names, else those
// the step touches.
std::vector<D1DatabaseConfig> failed_databases(const PreflightInput& input,
                                               const FailurePath& path) {
  std::vector<D1DatabaseConfig> named;
  if (input.config && !path.database_id.empty()) {
    for (const D1DatabaseConfig& db : input.config->d1_databases) {
      if (db.database_id.value == path.database_id) {
        named.push_back(db);
      }
    }
  }
  return named.empty() ? input.databases : named;
}

std::string account_text(const PreflightAnswers& answers) {
  std::string text = "account " + answers.account_id;
  if (answers.account && answers.account->response.ok()) {
    std::string name = api_string(answers.account->response.result, "name");
    text += name.empty() ? "" : " ('" + name + "')";
  }
  return text;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : separator) + word;
  }
  return text;
}

// A token or account that is itself the problem, or could not be checked; nothing when the
// token is valid and reaches the account, so the caller goes on from there.
std::optional<std::string> credential_problem(Diagnosis& diagnosis, const PreflightAnswers& answers,
                                              const CheckResult& account) {
  switch (diagnosis.token->status) {
    case TokenStatus::expired:
    case TokenStatus::disabled:
    case TokenStatus::invalid:
      return explain_token_state(*diagnosis.token);
    case TokenStatus::unknown:
      diagnosis.could_not_check = true;
      return "Could not check the token (" + diagnosis.token->detail +
             "), so the guidance below stands.";
    case TokenStatus::active:
      break;
  }
  if (account.status == CheckStatus::fail) {
    return "The token is valid, but it cannot reach " + account_text(answers) +
           ": the account id is wrong, or the token is not scoped to this account (" +
           account.detail + ")";
  }
  if (account.status == CheckStatus::could_not_check) {
    diagnosis.could_not_check = true;
    return "The token is valid, but whether it reaches " + account_text(answers) +
           " could not be checked (" + account.detail + ").";
  }
  return std::nullopt;
}

std::string reach_text(const PreflightAnswers& answers) {
  return is_account_id(answers.account_id)
             ? "The token is valid and reaches " + account_text(answers)
             : "The token is valid";
}

std::string credential_conclusion(Diagnosis& diagnosis, const PreflightAnswers& answers,
                                  const CheckResult& account, const Finding& finding) {
  if (std::optional<std::string> problem = credential_problem(diagnosis, answers, account)) {
    return *problem;
  }
  const std::vector<std::string>& permissions = finding.entry->permissions;
  return reach_text(answers) + ", so it is missing a permission this request needs" +
         (permissions.empty() ? "" : " (" + joined(permissions, " or ") + ")") + ".";
}

// The fix read from the file as the configuration named it, then named for the reports.
void set_config_fix(Diagnosis& diagnosis, const SourceLocation& where, const std::string& key,
                    const std::string& wrong, const std::string& value) {
  diagnosis.config_fix = make_config_fix(where, key, wrong, value);
  if (diagnosis.config_fix && !diagnosis.workspace.empty()) {
    diagnosis.config_fix->where.file = workspace_path(where.file, diagnosis.workspace);
  }
}

const DatabaseAnswers* answers_for(const PreflightAnswers& answers, const D1DatabaseConfig& db) {
  auto found = answers.databases.find(db.label());
  return found == answers.databases.end() ? nullptr : &found->second;
}

// database_id is stale when the name has another id in the account: the line to change.
void add_database_fix(Diagnosis& diagnosis, const PreflightAnswers& answers,
                      const D1DatabaseConfig& db) {
  const DatabaseAnswers* got = answers_for(answers, db);
  std::optional<std::string> right =
      got != nullptr ? database_id_by_name(*got, db.database_name.value) : std::nullopt;
  if (!right || !db.database_id.where || *right == db.database_id.value) {
    return;
  }
  set_config_fix(diagnosis, *db.database_id.where, "database_id", db.database_id.value, *right);
}

std::string d1_access_conclusion(Diagnosis& diagnosis, const PreflightAnswers& answers,
                                 const CheckResult& account,
                                 const std::vector<D1DatabaseConfig>& databases) {
  if (std::optional<std::string> problem = credential_problem(diagnosis, answers, account)) {
    return *problem;
  }
  std::string reach = reach_text(answers);
  std::string lacks = "so the token lacks " + std::string(k_d1_edit) + " on this account.";
  const D1DatabaseConfig* db = databases.empty() ? nullptr : &databases.front();
  const DatabaseAnswers* got = db != nullptr ? answers_for(answers, *db) : nullptr;
  if (db == nullptr || got == nullptr || !got->by_id) {
    return reach + "; " + lacks;
  }
  const ApiResponse& by_id = got->by_id->response;
  std::string named = "database '" + db->label() + "' (" + db->database_id.value + ")";
  if (by_id.ok()) {
    return reach + "; " + named + " exists there; " + lacks;
  }
  if (by_id.inconclusive()) {
    diagnosis.could_not_check = true;
    return reach + "; whether " + named + " exists there could not be checked (" + by_id.summary() +
           ").";
  }
  if (by_id.status == 404 || by_id.has_error_code(7404)) {
    add_database_fix(diagnosis, answers, *db);
    return reach + ", but " + named +
           " is not in it: the database belongs to another account, or its id is stale" +
           (diagnosis.config_fix
                ? "; '" + db->label() + "' in this account has id " + diagnosis.config_fix->value
                : std::string()) +
           ".";
  }
  return reach + ", but may not read its D1 databases either (" + by_id.summary() + "), " + lacks;
}

// Lists what the account holds at `path` (a list answer), for a not-found failure.
std::string list_in_account(CloudflareApi& api, Diagnosis& diagnosis,
                            const PreflightAnswers& answers, const std::string& what,
                            const std::string& path, const char* name_key, const char* id_key) {
  ApiRequest listed = send_api_request(api, "GET", "/accounts/" + answers.account_id + path);
  CheckResult check = new_check("list:" + what, "The " + what + " in the account");
  record_request(check, listed);
  const ApiResponse& response = listed.response;
  std::string text;
  if (response.inconclusive()) {
    diagnosis.could_not_check = true;
    check = inconclusive_check(check, response);
    text = "Could not list the " + what + " in " + account_text(answers) + " (" +
           response.summary() + ").";
  } else if (!response.ok() || !response.result.is_array()) {
    check =
        conclude(check, CheckStatus::fail, "The token may not list them: " + response.summary());
    text = "The token may not list the " + what + " in " + account_text(answers) + " (" +
           response.summary() + ").";
  } else if (response.result.empty()) {
    check = conclude(check, CheckStatus::pass, "None.");
    text = "There are no " + what + " in " + account_text(answers) + ".";
  } else {
    std::string names = listed_names(response.result, name_key, id_key);
    check = conclude(check, CheckStatus::pass, names + ".");
    text = "The " + what + " in " + account_text(answers) + " are: " + names + ".";
  }
  diagnosis.checks.push_back(std::move(check));
  return text;
}

std::string d1_not_found_conclusion(CloudflareApi& api, Diagnosis& diagnosis,
                                    const PreflightAnswers& answers, const CheckResult& account,
                                    const std::vector<D1DatabaseConfig>& databases) {
  if (std::optional<std::string> problem = credential_problem(diagnosis, answers, account)) {
    return *problem;
  }
  for (const D1DatabaseConfig& db : databases) {
    add_database_fix(diagnosis, answers, db);
    if (diagnosis.config_fix) {
      return "Account " + answers.account_id + " has no database " + db.database_id.value +
             ", but '" + db.label() + "' there has id " + diagnosis.config_fix->value +
             ": database_id at " + diagnosis.config_fix->where.text() + " is stale.";
    }
  }
  for (const CheckResult& check : diagnosis.checks) {
    if (check.id.rfind("d1-database:", 0) == 0 && check.status == CheckStatus::pass) {
      return check.detail + " The failed request asked for something else there.";
    }
  }
  return list_in_account(api, diagnosis, answers, "D1 databases", "/d1/database?per_page=100",
                         "name", "uuid");
}

std::string scripts_conclusion(Diagnosis& diagnosis, const PreflightAnswers& answers,
                               const CheckResult& account) {
  if (std::optional<std::string> problem = credential_problem(diagnosis, answers, account)) {
    return *problem;
  }
  if (!answers.scripts) {
    return "No account id to list the Workers of.";
  }
  const ApiResponse& response = answers.scripts->response;
  if (response.inconclusive()) {
    diagnosis.could_not_check = true;
    return "Could not list the Workers in " + account_text(answers) + " (" + response.summary() +
           ").";
  }
  if (!response.ok() || !response.result.is_array()) {
    return "The token may not list the Workers in " + account_text(answers) + " (" +
           response.summary() + ").";
  }
  std::string names = listed_names(response.result, "id", nullptr);
  return "The Workers in " + account_text(answers) +
         " are: " + (names.empty() ? std::string("none") : names) + ".";
}

// The accounts the token reaches, and where the right one goes.
std::string accounts_conclusion(Diagnosis& diagnosis, const PreflightInput& input,
                                const AccountChoice& chosen, const PreflightAnswers& answers) {
  CheckResult check = new_check("accounts", "The accounts the token reaches");
  TokenStatus token = diagnosis.token->status;
  if (token == TokenStatus::expired || token == TokenStatus::disabled ||
      token == TokenStatus::invalid) {
    diagnosis.checks.push_back(
        conclude(check, CheckStatus::skipped, "Skipped: the token was refused."));
    return explain_token_state(*diagnosis.token);
  }
  if (!answers.accounts) {
    diagnosis.could_not_check = true;
    diagnosis.checks.push_back(
        conclude(check, CheckStatus::skipped, "Skipped: there is no usable API token."));
    return "Could not check: there is no usable API token.";
  }
  record_request(check, answers.accounts);
  const ApiResponse& response = answers.accounts->response;
  if (response.inconclusive()) {
    diagnosis.could_not_check = true;
    diagnosis.checks.push_back(inconclusive_check(check, response));
    return "Could not list the accounts the token reaches (" + response.summary() + ").";
  }
  if (!response.ok() || !response.result.is_array()) {
    diagnosis.checks.push_back(conclude(check, CheckStatus::fail, response.summary()));
    return "The token cannot list its accounts (" + response.summary() + ").";
  }
  const json& list = response.result;
  std::string names = listed_names(list, "name", "id");
  diagnosis.checks.push_back(conclude(check, CheckStatus::pass, names.empty() ? "None." : names));
  if (list.empty()) {
    return "The token reaches no account: give it Account Resources in My Profile \xE2\x80\xBA "
           "API Tokens.";
  }
  bool listed = std::any_of(list.begin(), list.end(),
                            [&](const json& a) { return api_string(a, "id") == chosen.id; });
  std::string reaches = "The token reaches " + std::to_string(list.size()) +
                        (list.size() == 1 ? " account: " : " accounts: ") + names;
  if (!chosen.id.empty() && listed) {
    return reaches + ". Account " + chosen.id + " from " + chosen.origin +
           " is among them, so the failed request's other ids are what is wrong.";
  }
  const ConfigValue* line = input.config ? &input.config->account_id : nullptr;
  std::string where = line != nullptr && line->where
                          ? "account_id at " + line->where->text()
                          : "account_id in " +
                                (input.config ? input.config->path : "the configuration") +
                                ", or CLOUDFLARE_ACCOUNT_ID,";
  // One account reached, and the configuration names another: the one reached is right.
  std::string only = list.size() == 1 ? api_string(list[0], "id") : "";
  if (!only.empty() && line != nullptr && line->where && !line->value.empty() &&
      line->value != only) {
    set_config_fix(diagnosis, *line->where, "account_id", line->value, only);
  }
  std::string wrong =
      chosen.id.empty() ? "No account id is set"
                        : "Account " + chosen.id + " from " + chosen.origin + " is not one of them";
  return reaches + ". " + wrong + ": set " + where + " to " +
         (list.size() == 1 ? api_string(list[0], "id") : "one of them") + ".";
}

// No request verified the token: why not.
TokenState unverified_token(const PreflightInput& input) {
  TokenState state;
  state.detail = !input.token_problem.empty() ? input.token_problem
                 : input.token == TokenPresence::set
                     ? "the account id " + input.account.id + " is not one to ask about"
                     : "CLOUDFLARE_API_TOKEN is not set or empty";
  return state;
}

DiagnosisKind kind_of(const Finding& finding) {
  std::optional<DiagnosisKind> kind = diagnosis_kind(finding);
  return kind.value_or(DiagnosisKind::credential);
}

Diagnosis run_diagnosis(CloudflareApi& api, const Finding& finding, PreflightInput input,
                        const Catalogue& catalogue, const std::string& workspace) {
  Diagnosis diagnosis;
  diagnosis.workspace = workspace;
  diagnosis.kind = kind_of(finding);
  FailurePath path = read_failure_path(finding.resource);
  use_failed_account(input, path);
  AccountChoice chosen = input.account;
  bool d1 = about_d1(finding);
  bool d1_kind = diagnosis.kind == DiagnosisKind::d1_access ||
                 (diagnosis.kind == DiagnosisKind::not_found && d1);
  input.databases = d1_kind ? failed_databases(input, path) : std::vector<D1DatabaseConfig>{};
  input.missing_databases.clear();
  input.d1_write = false;
  input.workers_scripts = diagnosis.kind == DiagnosisKind::not_found && has_code(finding, 10007);
  if (diagnosis.kind == DiagnosisKind::account) {
    input.account = AccountChoice{};  // list the accounts the token reaches
  }
  PreflightAnswers answers = ask_cloudflare(api, input);
  PreflightEvidence evidence{input, answers, catalogue};
  diagnosis.token = answers.token ? *answers.token : unverified_token(input);
  diagnosis.checks.push_back(token_valid_check(evidence));
  if (diagnosis.kind == DiagnosisKind::account) {
    diagnosis.conclusion = accounts_conclusion(diagnosis, input, chosen, answers);
    return diagnosis;
  }
  CheckResult account = account_check(evidence);
  diagnosis.checks.push_back(account);
  for (const D1DatabaseConfig& db : input.databases) {
    diagnosis.checks.push_back(database_check(evidence, db));
  }
  if (input.workers_scripts) {
    diagnosis.checks.push_back(workers_scripts_check(evidence));
  }
  switch (diagnosis.kind) {
    case DiagnosisKind::d1_access:
      diagnosis.conclusion = d1_access_conclusion(diagnosis, answers, account, input.databases);
      break;
    case DiagnosisKind::not_found:
      if (d1) {
        diagnosis.conclusion =
            d1_not_found_conclusion(api, diagnosis, answers, account, input.databases);
      } else if (input.workers_scripts) {
        diagnosis.conclusion = scripts_conclusion(diagnosis, answers, account);
      } else if (std::optional<std::string> problem =
                     credential_problem(diagnosis, answers, account)) {
        diagnosis.conclusion = *problem;
      } else {
        diagnosis.conclusion = list_in_account(api, diagnosis, answers, "Pages projects",
                                               "/pages/projects", "name", nullptr);
      }
      break;
    case DiagnosisKind::credential:
    case DiagnosisKind::account:
      diagnosis.conclusion = credential_conclusion(diagnosis, answers, account, finding);
      break;
  }
  return diagnosis;
}

}  // namespace

std::string_view to_string(DiagnosisKind kind) {
  switch (kind) {
    case DiagnosisKind::credential:
      return "credential";
    case DiagnosisKind::d1_access:
      return "d1_access";
    case DiagnosisKind::not_found:
      return "not_found";
    case DiagnosisKind::account:
      break;
  }
  return "account";
}

std::optional<DiagnosisKind> diagnosis_kind(const Finding& finding) {
  if (finding.entry == nullptr) {
    return std::nullopt;
  }
  const CatalogueEntry& entry = *finding.entry;
  switch (entry.failure_class) {
    case FailureClass::authentication:
    case FailureClass::authorization:
      if (has_code(finding, 7403) && finding.resource.find("/d1/") != std::string::npos) {
        return DiagnosisKind::d1_access;
      }
      // Without a code the API never answered (no token reached wrangler, say).
      return finding.code ? std::optional(DiagnosisKind::credential) : std::nullopt;
    case FailureClass::not_found:
      if (about_d1(finding) || has_code(finding, 10007) || has_code(finding, 8000007)) {
        return DiagnosisKind::not_found;
      }
      return std::nullopt;
    case FailureClass::config:
      // A name that is not in the configuration: the account's databases show the right one.
      return entry.id == "d1-binding-not-in-config" ? std::optional(DiagnosisKind::not_found)
                                                    : std::nullopt;
    case FailureClass::account:
      if (has_code(finding, 7003) || has_code(finding, 7000) ||
          entry.id == "account-multiple-accounts") {
        return DiagnosisKind::account;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

FailurePath read_failure_path(std::string_view resource) {
  FailurePath path;
  std::string account = segment_after(resource, "/accounts/");
  std::string database = segment_after(resource, "/d1/database/");
  path.account_id = is_account_id(account) ? account : "";
  path.database_id = is_database_id(database) ? database : "";
  return path;
}

Diagnosis diagnose_failure(CloudflareApi& api, const Finding& finding, PreflightInput input,
                           const Catalogue& catalogue, const std::string& workspace) {
  try {
    return run_diagnosis(api, finding, std::move(input), catalogue, workspace);
  } catch (const std::exception& e) {  // a bug, or no memory: the step's report still goes out
    Diagnosis diagnosis;
    diagnosis.kind = kind_of(finding);
    diagnosis.could_not_check = true;
    diagnosis.conclusion =
        std::string("Could not check: the diagnosis stopped (") + e.what() + ").";
    return diagnosis;
  }
}

}  // namespace cfdeploy
