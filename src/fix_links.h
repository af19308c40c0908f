// Links that take a person from a failed step straight to its fix: Cloudflare's
// API token form pre-filled with the permissions the fix names, and the GitHub
// pages where the token's secret is replaced and the run is re-run. Every
// function returns nothing rather than a link built from a value it cannot
// vouch for, so a summary never points somewhere unexpected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"

namespace cfdeploy {

/// Cloudflare's permission-group key and access type for a permission as the
/// catalogue names it ("Account › D1 › Edit" is {"d1", "edit"}).
struct PermissionKey {
  std::string_view key;
  std::string_view type;
};

/// The key of a permission in the catalogue's dashboard wording; nothing for
/// one the token form has no key for.
std::optional<PermissionKey> permission_key(std::string_view permission);

/// The dashboard's token form with `permissions` ticked and `token_name`
/// filled in ("API token template URLs" in Cloudflare's docs): the user-token
/// form, or the account-owned one. Nothing when no permission has a key.
std::optional<std::string> token_template_url(const std::vector<std::string>& permissions,
                                              std::string_view token_name, bool account_owned);

/// GitHub's owner/name: letters, digits, '-', '_' and '.', one slash, neither part "." or "..".
bool is_repository_name(std::string_view name);

/// The run a step belongs to, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and
/// GITHUB_RUN_ID (GitHub Enterprise Server has its own server URL).
struct GithubRun {
  std::string server_url;
  std::string repository;  // owner/name
  std::string run_id;
  // GITHUB_WORKFLOW_REF: "owner/name/.github/workflows/file.yml@refs/heads/main"; may be empty.
  std::string workflow_ref = {};

  /// All three present and well-formed: an http(s) server, owner/name of
  /// GitHub's name characters, a decimal run id.
  bool valid() const;
};

GithubRun github_run_from_env();

/// The running workflow's file name ("db-migrate.yml"), when workflow_ref names a file of
/// this repository's .github/workflows in plain characters; nullopt otherwise.
std::optional<std::string> workflow_file(const GithubRun& run);

/// {server}/{owner}/{name}/actions/workflows/{file}: where the workflow is run by hand.
std::optional<std::string> workflow_page_url(const GithubRun& run);

/// {server}/{owner}/{name}/settings/secrets/actions
std::optional<std::string> secrets_page_url(const GithubRun& run);

/// {server}/{owner}/{name}/actions/runs/{id}
std::optional<std::string> run_page_url(const GithubRun& run);

/// `gh run rerun {id} --failed`, for people who use the GitHub CLI.
std::optional<std::string> rerun_command(const GithubRun& run);

/// One fix a person can make by following a link.
struct Fix {
  std::string kind;   // "token", "secret" or "rerun"
  std::string title;  // what following the link does
  std::string url;
  std::string command;  // the same from a terminal, when there is one
};

/// The permission a step's wrangler command needs, in the catalogue's wording: the first
/// word after "wrangler" that is no option ("wrangler d1 migrations apply DB --remote"
/// needs D1 Edit). Nothing for a step that does not run wrangler itself.
std::optional<std::string_view> step_permission(std::string_view step);

/// For a credential failure (authentication, authorization): a new token with what
/// `entry` and the step need, named after the repository (on the account-owned token form
/// when the failing token was account-owned), then where the secret is replaced and how the
/// run is re-run. Nothing for other failures, and no GitHub link when `run` is not valid().
std::vector<Fix> credential_fixes(const CatalogueEntry& entry, std::string_view step,
                                  const GithubRun& run, bool account_owned = false);

}  // namespace cfdeploy
