// D1 Time Travel through the API: the current bookmark of the database a remote migration
// is about to change, so the run can be undone with one restore. The database and account
// are the ones preflight would check (database_id, else a lookup by database_name); the
// restore commands name the database as the step did.
#pragma once

#include <string>
#include <string_view>

#include "cloudflare_api.h"
#include "preflight.h"

namespace cfdeploy {

/// A bookmark, or why none could be had (one of the two is set).
struct BookmarkAnswer {
  std::string bookmark;
  std::string problem;  // "the API answered HTTP 403: ... [code: 7403]"
};

/// The current bookmark of the one database in `input.databases`; never throws, and
/// sends nothing when the input already says it cannot work.
BookmarkAnswer current_bookmark(CloudflareApi& api, const PreflightInput& input);

/// The form a D1 bookmark has ("00000085-0000024c-00004c6d-8e61…"): letters, digits, '-'
/// and '_' only, so it can be put into a command to copy.
bool is_bookmark(std::string_view text);

/// "wrangler d1 time-travel restore DB --bookmark=B", with "--env E" when the step had one:
/// the environment decides which database DB names.
std::string wrangler_restore_command(const std::string& database, const std::string& bookmark,
                                     const std::string& environment = "");

/// "cfdeploy restore DB --bookmark B", with "--env E" when the step had one.
std::string cfdeploy_restore_command(const std::string& database, const std::string& bookmark,
                                     const std::string& environment = "");

}  // namespace cfdeploy
