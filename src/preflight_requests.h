// Preflight's questions to the Cloudflare API, all asked at once: the token, the account
// (or, with none set, the accounts the token sees), each D1 database by id and by name, the
// D1 query probe, the Workers scripts list, and the Pages project and the account's projects. Only
// what the input makes usable is asked; the checks then judge the answers without sending anything.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api_request.h"
#include "preflight.h"
#include "token_check.h"

namespace cfdeploy {

/// One D1 database's answers; a request that was not sent is nullopt.
struct DatabaseAnswers {
  std::optional<ApiRequest> by_id;    // GET .../d1/database/{uuid}
  std::optional<ApiRequest> by_name;  // GET .../d1/database?name=NAME
  std::optional<ApiRequest> query;    // POST .../d1/database/{uuid}/query
};

/// Every answer the checks are judged on.
struct PreflightAnswers {
  std::optional<TokenState> token;
  std::string account_id;              // the id used: chosen, or the one account the token sees
  std::optional<ApiRequest> accounts;  // GET /accounts, when no id was set
  std::optional<ApiRequest> account;   // GET /accounts/{id}
  std::map<std::string, DatabaseAnswers> databases;  // by label
  std::optional<ApiRequest> scripts;                 // GET /accounts/{id}/workers/scripts
  std::optional<ApiRequest> pages_project;           // GET /accounts/{id}/pages/projects/{name}
  std::optional<ApiRequest> pages_projects;          // GET /accounts/{id}/pages/projects
};

/// Asks what `input` allows, concurrently: nothing without a usable token, only the token
/// with an account id that is not one, everything else otherwise.
PreflightAnswers ask_cloudflare(CloudflareApi& api, const PreflightInput& input);

}  // namespace cfdeploy
