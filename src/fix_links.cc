#include "fix_links.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "environment.h"
#include "http_settings.h"

namespace cfdeploy {
namespace {

struct NamedKey {
  std::string_view permission;  // the start of the catalogue's wording
  PermissionKey key;
};

// Keys as the dashboard's token form reads them in permissionGroupKeys; the
// catalogue's wording is the dashboard's own (job_summary.cc's table).
constexpr std::array<NamedKey, 9> k_keys = {{
    {"Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit", {"d1", "edit"}},
    {"Account \xE2\x80\xBA Workers Scripts \xE2\x80\xBA Edit", {"workers_scripts", "edit"}},
    {"Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit", {"page", "edit"}},
    {"Account \xE2\x80\xBA Workers KV Storage \xE2\x80\xBA Edit", {"workers_kv_storage", "edit"}},
    {"Account \xE2\x80\xBA Workers R2 Storage \xE2\x80\xBA Edit", {"workers_r2", "edit"}},
    {"Account \xE2\x80\xBA Account Settings \xE2\x80\xBA Read", {"account_settings", "read"}},
    {"User \xE2\x80\xBA Memberships \xE2\x80\xBA Read", {"memberships", "read"}},
    {"User \xE2\x80\xBA User Details \xE2\x80\xBA Read", {"user_details", "read"}},
    {"Zone \xE2\x80\xBA Workers Routes \xE2\x80\xBA Edit", {"workers_routes", "edit"}},
}};

bool is_server_url(std::string_view url) {
  std::string_view host;
  if (url.starts_with("https://")) {
    host = url.substr(8);
  } else if (url.starts_with("http://")) {
    host = url.substr(7);
  } else {
    return false;
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return is_unreserved_url_character(c) || c == ':' || c == '/';
  });
}

// wrangler's command in a step's words: the first word after "wrangler" that is no
// option ("d1" in "npx wrangler d1 migrations apply DB"); nothing for a step that does
// not run wrangler itself ("npm run deploy" may run any wrangler command).
std::string_view wrangler_command(std::string_view step) {
  bool after_wrangler = false;
  for (size_t start = 0; start < step.size();) {
    size_t end = std::min(step.find(' ', start), step.size());
    std::string_view word = step.substr(start, end - start);
    if (after_wrangler && !word.empty() && word[0] != '-') {
      return word;
    }
    after_wrangler = after_wrangler || word == "wrangler";
    start = end + 1;
  }
  return {};
}

// What a new token needs: an entry that names several permissions names the
// candidates, and the step's own command says which of them it is.
std::vector<std::string> token_permissions(const CatalogueEntry& entry, std::string_view step) {
  std::vector<std::string> permissions = entry.permissions;
  if (std::optional<std::string_view> needed = step_permission(step)) {
    bool among = std::find(permissions.begin(), permissions.end(), *needed) != permissions.end();
    if (among && permissions.size() > 1) {
      permissions.clear();
    }
    permissions.emplace_back(*needed);
  }
  return permissions;
}

std::string_view without_trailing_slash(std::string_view url) {
  while (url.ends_with('/')) {
    url.remove_suffix(1);
  }
  return url;
}

std::string permission_keys_json(const std::vector<std::string>& permissions) {
  nlohmann::json keys = nlohmann::json::array();
  for (const std::string& permission : permissions) {
    std::optional<PermissionKey> key = permission_key(permission);
    if (!key) {
      continue;
    }
    nlohmann::json entry{{"key", key->key}, {"type", key->type}};
    if (std::find(keys.begin(), keys.end(), entry) == keys.end()) {
      keys.push_back(std::move(entry));
    }
  }
  return keys.dump();
}

}  // namespace

std::optional<PermissionKey> permission_key(std::string_view permission) {
  for (const NamedKey& named : k_keys) {
    if (permission.starts_with(named.permission)) {
      return named.key;
    }
  }
  return std::nullopt;
}

std::optional<std::string> token_template_url(const std::vector<std::string>& permissions,
                                              std::string_view token_name, bool account_owned) {
  std::string keys = permission_keys_json(permissions);
  if (keys == "[]") {
    return std::nullopt;
  }
  // The account form lets the dashboard ask which account; the user form scopes the
  // token to every account and zone, which the person narrows on the form.
  std::string url = account_owned ? "https://dash.cloudflare.com/?to=/:account/api-tokens&"
                                  : "https://dash.cloudflare.com/profile/api-tokens?";
  url += "permissionGroupKeys=" + percent_encode(keys);
  if (!account_owned) {
    url += "&accountId=*&zoneId=all";
  }
  if (!token_name.empty()) {
    url += "&name=" + percent_encode(token_name);
  }
  return url;
}

bool is_repository_name(std::string_view name) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == name.size()) {
    return false;
  }
  std::string_view owner = name.substr(0, slash);
  std::string_view repository = name.substr(slash + 1);
  auto is_dots = [](std::string_view part) { return part == "." || part == ".."; };
  return std::count(name.begin(), name.end(), '/') == 1 && !is_dots(owner) &&
         !is_dots(repository) && std::all_of(name.begin(), name.end(), [](char c) {
           return is_unreserved_url_character(c) || c == '/';
         });
}

bool GithubRun::valid() const {
  return is_server_url(server_url) && is_repository_name(repository) && !run_id.empty() &&
         run_id.size() <= 20 &&
         std::all_of(run_id.begin(), run_id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

GithubRun github_run_from_env() {
  return {env_or_empty("GITHUB_SERVER_URL"), env_or_empty("GITHUB_REPOSITORY"),
          env_or_empty("GITHUB_RUN_ID"), env_or_empty("GITHUB_WORKFLOW_REF")};
}

std::optional<std::string> workflow_file(const GithubRun& run) {
  std::string prefix = run.repository + "/.github/workflows/";
  if (!run.valid() || run.workflow_ref.rfind(prefix, 0) != 0) {
    return std::nullopt;
  }
  std::string file = run.workflow_ref.substr(prefix.size());
  file = file.substr(0, file.find('@'));
  bool plain = !file.empty() && file.size() <= 100 && file[0] != '.' &&
               std::all_of(file.begin(), file.end(), [](unsigned char c) {
                 return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
               });
  bool yaml = file.ends_with(".yml") || file.ends_with(".yaml");
  return plain && yaml ? std::optional<std::string>(file) : std::nullopt;
}

std::optional<std::string> workflow_page_url(const GithubRun& run) {
  std::optional<std::string> file = workflow_file(run);
  if (!file) {
    return std::nullopt;
  }
  return std::string(without_trailing_slash(run.server_url)) + "/" + run.repository +
         "/actions/workflows/" + *file;
}

std::optional<std::string> secrets_page_url(const GithubRun& run) {
  if (!run.valid()) {
    return std::nullopt;
  }
  return std::string(without_trailing_slash(run.server_url)) + "/" + run.repository +
         "/settings/secrets/actions";
}

std::optional<std::string> run_page_url(const GithubRun& run) {
  if (!run.valid()) {
    return std::nullopt;
  }
  return std::string(without_trailing_slash(run.server_url)) + "/" + run.repository +
         "/actions/runs/" + run.run_id;
}

std::optional<std::string> rerun_command(const GithubRun& run) {
  if (!run.valid()) {
    return std::nullopt;
  }
  return "gh run rerun " + run.run_id + " --failed";
}

std::optional<std::string_view> step_permission(std::string_view step) {
  std::string_view command = wrangler_command(step);
  if (command == "d1") {
    return k_keys[0].permission;
  }
  if (command == "pages") {
    return k_keys[2].permission;
  }
  if (command == "deploy" || command == "publish" || command == "versions") {
    return k_keys[1].permission;
  }
  return std::nullopt;
}

std::vector<Fix> credential_fixes(const CatalogueEntry& entry, std::string_view step,
                                  const GithubRun& run, bool account_owned) {
  if (!is_credential_class(entry.failure_class)) {
    return {};
  }
  std::vector<Fix> fixes;
  std::string token_name = run.valid() ? "cfdeploy " + run.repository : "cfdeploy";
  if (std::optional<std::string> url =
          token_template_url(token_permissions(entry, step), token_name, account_owned)) {
    fixes.push_back({"token", "Create a token with these permissions", *url, ""});
  }
  if (std::optional<std::string> url = secrets_page_url(run)) {
    fixes.push_back({"secret", "Replace the CLOUDFLARE_API_TOKEN secret", *url, ""});
  }
  if (std::optional<std::string> url = run_page_url(run)) {
    fixes.push_back({"rerun", "Re-run the failed jobs", *url, rerun_command(run).value_or("")});
  }
  return fixes;
}

}  // namespace cfdeploy
