// Building wrangler command lines: where wrangler is (the way users expect
// it to be found) and the arguments of `deploy`, `d1 migrations apply` and
// `pages deploy`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

/// The wrangler release cfdeploy is tested with, used when none is installed.
inline constexpr std::string_view k_pinned_wrangler_version = "4.86.0";

struct WranglerSearch {
  std::string user_command;  // --wrangler "CMD", split on whitespace; wins when set
  std::string project_dir;   // where node_modules/.bin/wrangler is looked for
  std::string path_env;      // $PATH
};

/// The argv prefix that runs wrangler: --wrangler, else the project's
/// node_modules/.bin/wrangler, else `wrangler` on PATH, else npx with the
/// pinned version.
std::vector<std::string> locate_wrangler(
    const WranglerSearch& search, const std::function<bool(const std::string&)>& is_executable);

/// Splits a command on spaces and tabs (no quoting, no shell).
std::vector<std::string> split_command(std::string_view command);

/// `deploy [--env E] [extra…]`, or with `upload_only` `versions upload [--env E] [extra…]`.
std::vector<std::string> deploy_args(const std::string& environment,
                                     const std::vector<std::string>& extra,
                                     bool upload_only = false);

struct MigrateTarget {
  bool local = false;
  std::string persist_to;  // local only: where the local D1 lives
};

/// `d1 migrations apply DATABASE --remote|--local [--persist-to DIR] [--env E] [extra…]`
std::vector<std::string> migrate_args(const std::string& database, const MigrateTarget& target,
                                      const std::string& environment,
                                      const std::vector<std::string>& extra);

struct PagesTarget {
  std::string directory;  // the built site
  std::string project_name;
  std::string branch;  // empty: wrangler takes the git branch, if any
  std::string commit_hash;
  std::string commit_message;
};

/// `pages deploy DIR --project-name=NAME [--branch=B] [--commit-hash=H]
/// [--commit-message=M] [extra…]`; an empty option is left out.
std::vector<std::string> pages_deploy_args(const PagesTarget& target,
                                           const std::vector<std::string>& extra);

/// `d1 migrations list DATABASE --remote|--local [--env E]`: the migrations apply would run.
std::vector<std::string> migrations_list_args(const std::string& database, bool local,
                                              const std::string& environment);

/// Where a restore goes: a bookmark, or the bookmark D1 finds for a timestamp.
struct RestoreTarget {
  std::string bookmark;
  std::string timestamp;  // used when there is no bookmark
};

/// `d1 time-travel restore DATABASE --bookmark=B|--timestamp=T [--env E] [extra…]`
std::vector<std::string> restore_args(const std::string& database, const RestoreTarget& target,
                                      const std::string& environment,
                                      const std::vector<std::string>& extra);

}  // namespace cfdeploy
