#include "time_travel.h"

#include <algorithm>
#include <cctype>

#include "api_request.h"
#include "http_settings.h"

namespace cfdeploy {
namespace {

struct Lookup {
  std::string value;
  std::string problem;
};

Lookup failed(std::string problem) { return Lookup{"", std::move(problem)}; }

std::string answer_problem(const ApiRequest& request) {
  return "the API answered " + request.response.summary();
}

// The gate reads no account from anywhere: wrangler then uses the token's only account.
Lookup account_id(CloudflareApi& api, const PreflightInput& input) {
  if (!input.account.id.empty()) {
    return is_account_id(input.account.id) ? Lookup{input.account.id, ""}
                                           : failed("the account id from " + input.account.origin +
                                                    " is not 32 hexadecimal characters");
  }
  ApiRequest accounts = send_api_request(api, "GET", "/accounts?per_page=50");
  const nlohmann::json& list = accounts.response.result;
  if (!accounts.response.ok()) {
    return failed("listing the token's accounts failed: " + answer_problem(accounts));
  }
  if (!list.is_array() || list.size() != 1 || !is_account_id(api_string(list[0], "id"))) {
    return failed(
        "no account id is set (account_id or CLOUDFLARE_ACCOUNT_ID) and the token does not "
        "see exactly one account");
  }
  return Lookup{api_string(list[0], "id"), ""};
}

// database_id when the configuration has one, as wrangler uses it; else the API's uuid
// for database_name.
Lookup database_id(CloudflareApi& api, const std::string& account, const D1DatabaseConfig& db) {
  if (is_database_id(db.database_id.value)) {
    return Lookup{db.database_id.value, ""};
  }
  if (db.database_name.value.empty()) {
    return failed("the D1 entry '" + db.label() +
                  "' has neither a database_id nor a database_name");
  }
  ApiRequest found = send_api_request(
      api, "GET",
      "/accounts/" + account + "/d1/database?name=" + percent_encode(db.database_name.value));
  if (!found.response.ok()) {
    return failed("looking up the database by name failed: " + answer_problem(found));
  }
  const nlohmann::json& list = found.response.result;
  for (const nlohmann::json& entry : list.is_array() ? list : nlohmann::json::array()) {
    if (api_string(entry, "name") == db.database_name.value &&
        is_database_id(api_string(entry, "uuid"))) {
      return Lookup{api_string(entry, "uuid"), ""};
    }
  }
  return failed("the API knows no D1 database named '" + db.database_name.value + "'");
}

// What makes asking pointless, before anything is sent.
std::string input_problem(const PreflightInput& input) {
  if (input.config_error) {
    return "the wrangler configuration could not be read: " + input.config_error->message();
  }
  if (!input.config) {
    return "no wrangler configuration was found in '" + input.searched_directory + "'";
  }
  if (input.databases.empty()) {
    std::string name = input.missing_databases.empty() ? "" : input.missing_databases[0];
    return "the configuration has no D1 database named '" + name + "'";
  }
  if (input.token != TokenPresence::set) {
    return "CLOUDFLARE_API_TOKEN is not set";
  }
  return input.token_problem;
}

}  // namespace

bool is_bookmark(std::string_view text) {
  constexpr size_t k_max_bookmark = 200;
  return !text.empty() && text.size() <= k_max_bookmark &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '_'; });
}

BookmarkAnswer current_bookmark(CloudflareApi& api, const PreflightInput& input) {
  if (std::string problem = input_problem(input); !problem.empty()) {
    return BookmarkAnswer{"", problem};
  }
  Lookup account = account_id(api, input);
  if (account.value.empty()) {
    return BookmarkAnswer{"", account.problem};
  }
  Lookup database = database_id(api, account.value, input.databases.front());
  if (database.value.empty()) {
    return BookmarkAnswer{"", database.problem};
  }
  ApiRequest answer = send_api_request(
      api, "GET",
      "/accounts/" + account.value + "/d1/database/" + database.value + "/time_travel/bookmark");
  if (!answer.response.ok()) {
    return BookmarkAnswer{"", answer_problem(answer)};
  }
  std::string bookmark = api_string(answer.response.result, "bookmark");
  if (!is_bookmark(bookmark)) {
    return BookmarkAnswer{"", "the API's answer held no bookmark of the usual form"};
  }
  return BookmarkAnswer{bookmark, ""};
}

std::string wrangler_restore_command(const std::string& database, const std::string& bookmark,
                                     const std::string& environment) {
  return "wrangler d1 time-travel restore " + database + " --bookmark=" + bookmark +
         (environment.empty() ? "" : " --env " + environment);
}

std::string cfdeploy_restore_command(const std::string& database, const std::string& bookmark,
                                     const std::string& environment) {
  return "cfdeploy restore " + database + " --bookmark " + bookmark +
         (environment.empty() ? "" : " --env " + environment);
}

}  // namespace cfdeploy
