// Preflight: checks the token, the account, the D1 databases and the Pages project against the
// Cloudflare API before a step runs, all requests at once, and says for each check what to fix.
// Pure logic over CloudflareApi, the catalogue, a config read beforehand and values from the
// environment.
//
// The parts: preflight_requests asks every question at once; preflight_token_checks,
// preflight_d1_checks and preflight_pages_checks judge the answers (with preflight_check's shared
// builders); this module runs them in order. token_check verifies the token.
//
// What each check calls (paths below the API base URL) and what an answer proves:
//
// clang-format off
// | check            | request                                          | proves                               |
// |------------------|--------------------------------------------------|--------------------------------------|
// | config           | none (reads wrangler.json/.jsonc/.toml)          | the file parses, --env exists        |
// | token-set        | none (CLOUDFLARE_API_TOKEN)                      | a token reaches the step             |
// | token-valid      | GET /user/tokens/verify; on code 1000 also       | active / expired / disabled /        |
// |                  | GET /accounts/{account}/tokens/verify            | invalid; user or account token       |
// | account          | GET /accounts/{account} (GET /accounts when no   | a 32-hex id the token can reach      |
// |                  | id is set, as wrangler's own discovery would)    |                                      |
// | d1-database:NAME | GET /accounts/{a}/d1/database/{uuid} and         | exists; the id matches the name      |
// |                  | GET /accounts/{a}/d1/database?name=NAME          | (or gives the right id)              |
// | d1-write:NAME    | POST /accounts/{a}/d1/database/{uuid}/query      | read access only: 7403/10000 fail;   |
// |                  | {"sql":"SELECT 1"} (changes nothing)             | 200 is "could not check"             |
// | workers-scripts  | GET /accounts/{a}/workers/scripts                | read access only: 7403/10000/9109    |
// |                  |                                                  | fail; 200 is "could not check"       |
// | pages-project    | GET /accounts/{a}/pages/projects/{name} and, for | exists, and the token reaches Pages; |
// |                  | the names when it is missing,                    | 8000007 lists the account's projects |
// |                  | GET /accounts/{a}/pages/projects                 |                                      |
// clang-format on
//
// No request writes anything. D1 Edit, Workers Scripts Edit and Pages Edit cannot be proven without
// a side effect, so those checks end at "could not check" when the reads succeed. A 5xx, a 429, a
// timeout or a body that is not JSON is "could not check", never a failed check.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "cloudflare_api.h"
#include "wrangler_config.h"

namespace cfdeploy {

enum class CheckStatus { pass, fail, skipped, could_not_check };

std::string_view to_string(CheckStatus status);
/// The status as a summary table cell shows it: with its ✅/❌/⚠️ mark.
std::string_view status_mark(CheckStatus status);

struct CheckResult {
  std::string id;  // stable: "token-valid", "d1-database:DB", ...
  std::string title;
  CheckStatus status = CheckStatus::skipped;
  std::string detail;
  std::vector<std::string> fix;
  std::optional<SourceLocation> where;  // the config line at fault
  std::optional<int> code;              // the API error code behind a failure
  std::vector<std::string> requests;    // "GET /user/tokens/verify -> 200"
};

struct PreflightReport {
  std::vector<CheckResult> checks;
  std::chrono::milliseconds elapsed{0};

  /// No check failed (skipped and could-not-check do not count as failures).
  bool ok() const;
  /// The API could not be asked about the token (a 5xx, a timeout...): no failure, but
  /// nothing shown either.
  bool token_unverified() const;
  const CheckResult* find(std::string_view id) const;
};

enum class TokenPresence { unset, empty, set };

/// The account id the step will use, and where it came from.
struct AccountChoice {
  std::string id;      // empty: none set (wrangler would discover one)
  std::string origin;  // "--account-id", "account_id" (see `where`), "CLOUDFLARE_ACCOUNT_ID"
  std::optional<SourceLocation> where;
  std::string overridden;  // a different CLOUDFLARE_ACCOUNT_ID that wrangler will ignore
};

/// wrangler's order: the config's account_id, then CLOUDFLARE_ACCOUNT_ID; `flag` beats both.
AccountChoice choose_account(const std::string& flag, const WranglerConfig* config,
                             const std::string& environment_value);

struct PreflightInput {
  // The configuration: the file read, or why it could not be (no file is not an error).
  std::optional<WranglerConfig> config;
  std::optional<Error> config_error;
  std::string searched_directory;  // where no config file was found

  TokenPresence token = TokenPresence::unset;
  std::string token_problem;       // why the token cannot be sent in a header, if it cannot
  bool fork_pull_request = false;  // this run is a pull request from a fork (no secrets)

  AccountChoice account;

  std::vector<D1DatabaseConfig> databases;     // the databases the step touches
  std::vector<std::string> missing_databases;  // asked for but not in the config
  bool d1_write = false;                       // probe D1 write access
  bool workers_scripts = false;                // probe Workers scripts access
  bool pages = false;                          // check the Pages project
  std::string pages_project;                   // its name; empty: none given
};

/// Runs every check, the API requests concurrently; API errors get `catalogue`'s advice.
/// Never throws.
PreflightReport run_preflight(CloudflareApi& api, const PreflightInput& input,
                              const Catalogue& catalogue);

}  // namespace cfdeploy
