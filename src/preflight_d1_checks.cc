#include "preflight_d1_checks.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

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
  std::optional<std::string> found = database_id_by_name(answers, db.database_name.value);
  if (found) {
    return conclude(check, CheckStatus::pass,
                    "No database_id in the configuration; wrangler looks '" + db.label() +
                        "' up by name and finds " + *found + ". Adding database_id = \"" + *found +
                        "\" saves that lookup (older wrangler versions need it).");
  }
  if (answers.by_name && answers.by_name->response.ok()) {
    return conclude(check, CheckStatus::fail,
                    "No database_id in the configuration, and account " + account +
                        " has no database named '" + db.label() + "'.",
                    {create_fix(db)});
  }
  if (!answers.by_name || answers.by_name->response.inconclusive()) {
    return answers.by_name
               ? inconclusive_check(check, answers.by_name->response)
               : conclude(check, CheckStatus::fail,
                          "The entry has neither database_id nor database_name.", {create_fix(db)});
  }
  return conclude(check, CheckStatus::could_not_check,
                  "No database_id, and the token may not list D1 databases (" +
                      answers.by_name->response.summary() + ").",
                  {create_fix(db)});
}

CheckResult found_check(CheckResult check, const D1DatabaseConfig& db, const ApiResponse& got,
                        const std::optional<std::string>& by_name, const std::string& account) {
  std::string name = api_string(got.result, "name");
  const ConfigValue& wanted = db.database_name;
  if (!wanted.present() || name.empty() || name == wanted.value) {
    return conclude(
        check, CheckStatus::pass,
        "'" + db.label() + "' (" + db.database_id.value + ") exists in account " + account + ".");
  }
  check.where = db.database_id.where;
  return conclude(check, CheckStatus::fail,
                  "database_id " + db.database_id.value + " is the id of database '" + name +
                      "', not of '" + wanted.value + "': the step would touch the wrong database.",
                  {by_name ? set_id_fix(db, *by_name)
                           : "If '" + name + "' is the right database, set database_name = \"" +
                                 name + "\" at " + (wanted.where ? wanted.where->text() : "") +
                                 "; otherwise fix database_id."});
}

}  // namespace

std::optional<std::string> database_id_by_name(const DatabaseAnswers& answers,
                                               const std::string& name) {
  if (!answers.by_name || !answers.by_name->response.ok() ||
      !answers.by_name->response.result.is_array()) {
    return std::nullopt;
  }
  for (const json& db : answers.by_name->response.result) {
    if (api_string(db, "name") == name && !api_string(db, "uuid").empty()) {
      return api_string(db, "uuid");
    }
  }
  return std::nullopt;
}

CheckResult database_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db) {
  const PreflightAnswers& answers = evidence.answers;
  CheckResult check =
      new_check("d1-database:" + db.label(),
                "D1 database '" + db.label() + "' exists and matches the configuration");
  auto entry = answers.databases.find(db.label());
  DatabaseAnswers none;
  const DatabaseAnswers& got = entry == answers.databases.end() ? none : entry->second;
  record_request(check, got.by_id);
  record_request(check, got.by_name);
  std::optional<std::string> by_name = database_id_by_name(got, db.database_name.value);
  const ConfigValue& uuid = db.database_id;
  if (uuid.present() && !is_database_id(uuid.value)) {
    check.where = uuid.where;
    check.code = 7400;
    return conclude(check, CheckStatus::fail,
                    "database_id '" + uuid.value.substr(0, 64) + "'" +
                        " is a placeholder, not a database id (a UUID).",
                    {by_name ? set_id_fix(db, *by_name) : create_fix(db)});
  }
  if (std::optional<std::string> reason = token_skip_reason(evidence)) {
    return conclude(check, CheckStatus::skipped, *reason);
  }
  if (!is_account_id(answers.account_id)) {
    return conclude(check, CheckStatus::skipped, "Skipped: no usable account id.");
  }
  if (!uuid.present()) {
    return missing_id_check(check, db, got, answers.account_id);
  }
  const ApiResponse& response = got.by_id->response;
  if (response.ok()) {
    return found_check(check, db, response, by_name, answers.account_id);
  }
  if (response.inconclusive()) {
    return inconclusive_check(check, response);
  }
  if (response.status == 404 || response.has_error_code(7404)) {
    check.where = uuid.where;
    check.code = response.error_code();
    if (by_name) {
      return conclude(check, CheckStatus::fail,
                      "Account " + answers.account_id + " has no database " + uuid.value +
                          ", but '" + db.label() + "' there has id " + *by_name +
                          ": the configured id does not match.",
                      {set_id_fix(db, *by_name)});
    }
    check = conclude(check, CheckStatus::fail,
                     "Account " + answers.account_id + " has no database with id " + uuid.value +
                         " or named '" + db.label() + "'.",
                     {create_fix(db)});
    add_catalogue_fix(check, response, "/d1/database", evidence.catalogue);
    return check;
  }
  // The token may not read D1 here: that alone does not stop a deploy, so only d1-write fails.
  check.code = response.error_code();
  return conclude(check, CheckStatus::could_not_check,
                  "The token may not read D1 in account " + answers.account_id + " (" +
                      response.summary() + "), so the database could not be checked.");
}

CheckResult d1_write_check(const PreflightEvidence& evidence, const D1DatabaseConfig& db) {
  const PreflightAnswers& answers = evidence.answers;
  CheckResult check = new_check("d1-write:" + db.label(),
                                "The token can write to D1 database '" + db.label() + "'");
  auto entry = answers.databases.find(db.label());
  if (std::optional<std::string> reason = token_skip_reason(evidence)) {
    return conclude(check, CheckStatus::skipped, *reason);
  }
  if (entry == answers.databases.end() || !entry->second.query) {
    return conclude(check, CheckStatus::skipped,
                    "Skipped: no usable account id or database_id to probe with.");
  }
  const DatabaseAnswers& got = entry->second;
  record_request(check, got.query);
  const ApiResponse& by_id = got.by_id->response;
  if (by_id.status == 404 || by_id.has_error_code(7404)) {
    return conclude(check, CheckStatus::skipped, "Skipped: the database was not found.");
  }
  return probe_check(
      check, got.query->response, "/d1/database/query",
      "SELECT 1 ran on '" + db.label() +
          "', so the token can read it. No API request proves D1 Edit without writing, so "
          "write access could not be verified; migrations need Account › D1 › Edit.",
      evidence.catalogue);
}

CheckResult not_in_config_check(const PreflightInput& input, const std::string& name) {
  CheckResult check = new_check("d1-database:" + name,
                                "D1 database '" + name + "' exists and matches the configuration");
  if (!input.config) {
    return conclude(check, CheckStatus::fail,
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
  return conclude(
      check, CheckStatus::fail,
      "'" + name + "' is neither a database_name nor a binding in " + env + " of " +
          input.config->path + ".",
      {
          names.empty() ? "Add a [[d1_databases]] entry, or pass --env if it is under one."
                        : "Use one of: " + names + " (or pass --env).",
      });
}

}  // namespace cfdeploy
