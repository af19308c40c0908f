// After a step failed in a way the API can say more about, the preflight checks that bear on
// that failure, run after it, and what they show: one conclusion for people, the checks
// behind it and, when the API names the right value, the configuration line to change.
//
// clang-format off
// | failure                                    | asks                                         | tells                                   |
// |--------------------------------------------|----------------------------------------------|-----------------------------------------|
// | a refused credential with an API code      | token verify, the account                    | expired (when) / revoked / wrong        |
// | (10000, 9106, 9109, 10001, 7403 off D1...) |                                              | account / valid, so a permission lacks  |
// | 7403 on a D1 path                          | token verify, the account, the database by   | valid token, account, existing database |
// |                                            | id and by name                               | so no D1 Edit; or another account's     |
// | 7404, "Couldn't find a D1 DB"              | the database by id and by name, else the     | the right id (a configuration fix) or   |
// |                                            | account's D1 databases                       | the names there are                     |
// | 10007 / 8000007                            | the account's Workers scripts / Pages        | the names there are                     |
// |                                            | projects                                     |                                         |
// | 7003, 7000, "More than one account"        | the accounts the token reaches               | their names and ids, where account_id   |
// |                                            |                                              | goes (a configuration fix for one)      |
// clang-format on
//
// The account asked about is the one in the failed request's path when it names one (the
// account wrangler used), else the one preflight would choose. A server error, a timeout or a
// rate limit makes the conclusion "could not check", and the catalogue's guidance stands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"
#include "classifier.h"
#include "cloudflare_api.h"
#include "config_fix.h"
#include "preflight.h"
#include "token_check.h"

namespace cfdeploy {

enum class DiagnosisKind { credential, d1_access, not_found, account };

std::string_view to_string(DiagnosisKind kind);

/// Which row of the table `finding` is; nothing when the API cannot tell more about it.
std::optional<DiagnosisKind> diagnosis_kind(const Finding& finding);

struct Diagnosis {
  DiagnosisKind kind = DiagnosisKind::credential;
  std::string conclusion;        // for people: what the checks show and so what to do
  bool could_not_check = false;  // the API could not answer what the conclusion needs
  std::vector<CheckResult> checks;
  std::optional<ConfigFix> config_fix;  // the configuration line to change, when known
  std::optional<TokenState> token;      // what verifying the token found, when it was asked
  std::string workspace;                // where the fix's file is named from; empty: as read
};

/// The account and D1 database ids in a failed request's path
/// ("/accounts/{a}/d1/database/{uuid}/query"); empty when the path has none.
struct FailurePath {
  std::string account_id;
  std::string database_id;
};

FailurePath read_failure_path(std::string_view resource);

/// Asks `api` what `finding`'s kind needs (diagnosis_kind must give one). `input` is the
/// step's project as preflight reads it: the configuration, the token's presence, the account
/// chosen and the databases the step touches. A configuration fix names its file relative to
/// `workspace` when inside it (GITHUB_WORKSPACE; empty: as read). Never throws.
Diagnosis diagnose_failure(CloudflareApi& api, const Finding& finding, PreflightInput input,
                           const Catalogue& catalogue, const std::string& workspace = "");

}  // namespace cfdeploy
