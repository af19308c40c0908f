#include "fix_links.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cfdeploy {
namespace {

const std::string k_d1_edit = "Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit";
const std::string k_scripts_edit = "Account \xE2\x80\xBA Workers Scripts \xE2\x80\xBA Edit";

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The value of `name` in the URL's query, still encoded.
std::string query_value(std::string_view url, std::string_view name) {
  std::string key = std::string(name) + "=";
  size_t at = url.find("?" + key);
  at = at == std::string_view::npos ? url.find("&" + key) : at;
  if (at == std::string_view::npos) {
    return "";
  }
  std::string_view rest = url.substr(at + 1 + key.size());
  return std::string(rest.substr(0, rest.find('&')));
}

TEST(FixLinks, TheTokenTemplateDecodesToThePermissionKeys) {
  std::optional<std::string> url =
      token_template_url({k_d1_edit, k_scripts_edit}, "cfdeploy acme/notes", false);
  ASSERT_TRUE(url);
  EXPECT_EQ(url->rfind("https://dash.cloudflare.com/profile/api-tokens?", 0), 0u) << *url;
  nlohmann::json keys =
      nlohmann::json::parse(percent_decode(query_value(*url, "permissionGroupKeys")));
  EXPECT_EQ(keys, nlohmann::json::parse(R"([{"key":"d1","type":"edit"},
                                             {"key":"workers_scripts","type":"edit"}])"));
  EXPECT_EQ(query_value(*url, "accountId"), "*");
  EXPECT_EQ(query_value(*url, "zoneId"), "all");
  EXPECT_EQ(percent_decode(query_value(*url, "name")), "cfdeploy acme/notes");
}

TEST(FixLinks, AnAccountOwnedTokenGetsTheAccountForm) {
  std::optional<std::string> url = token_template_url({k_d1_edit}, "deploy", true);
  ASSERT_TRUE(url);
  EXPECT_EQ(
      url->rfind("https://dash.cloudflare.com/?to=/:account/api-tokens&permissionGroupKeys=", 0),
      0u)
      << *url;
  EXPECT_EQ(query_value(*url, "accountId"), "");
}

TEST(FixLinks, ThePermissionsWordedWithANoteStillGetTheirKey) {
  std::optional<PermissionKey> key =
      permission_key(k_scripts_edit + " (Admin role to create Workers)");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->key, "workers_scripts");
  EXPECT_FALSE(permission_key("Account \xE2\x80\xBA Billing \xE2\x80\xBA Read"));
}

TEST(FixLinks, ARepeatedOrUnknownPermissionIsLeftOut) {
  std::optional<std::string> url =
      token_template_url({k_d1_edit, "Something else", k_d1_edit}, "", false);
  ASSERT_TRUE(url);
  EXPECT_EQ(percent_decode(query_value(*url, "permissionGroupKeys")),
            R"([{"key":"d1","type":"edit"}])");
  EXPECT_EQ(url->find("&name="), std::string::npos);
  EXPECT_FALSE(token_template_url({"Something else"}, "x", false));
}

TEST(FixLinks, TheTokenNameCannotAddAQueryParameter) {
  std::optional<std::string> url =
      token_template_url({k_d1_edit}, "a&accountId=evil#x y\n<b>", false);
  ASSERT_TRUE(url);
  EXPECT_EQ(percent_decode(query_value(*url, "name")), "a&accountId=evil#x y\n<b>");
  EXPECT_EQ(query_value(*url, "accountId"), "*");
  EXPECT_EQ(url->find_first_of(" \n<>#"), std::string::npos) << *url;
}

TEST(FixLinks, GithubPagesComeFromTheRunsServerAndRepository) {
  GithubRun run{"https://ghe.example.com/", "acme/notes.api", "123456"};
  EXPECT_EQ(secrets_page_url(run),
            "https://ghe.example.com/acme/notes.api/settings/secrets/actions");
  EXPECT_EQ(run_page_url(run), "https://ghe.example.com/acme/notes.api/actions/runs/123456");
  EXPECT_EQ(rerun_command(run), "gh run rerun 123456 --failed");
}

TEST(FixLinks, NoGithubLinkIsBuiltFromAMissingOrOddValue) {
  for (const GithubRun& run :
       {GithubRun{"", "acme/notes", "1"}, GithubRun{"javascript:alert(1)", "acme/notes", "1"},
        GithubRun{"https://github.com", "acme", "1"},
        GithubRun{"https://github.com", "acme/notes/extra", "1"},
        GithubRun{"https://github.com", "acme/no tes", "1"},
        GithubRun{"https://github.com", "../..", "1"},
        GithubRun{"https://github.com", "acme/..", "1"},
        GithubRun{"https://github.com", "acme/notes", "12a"},
        GithubRun{"https://github.com", "acme/notes", ""},
        GithubRun{"https://git hub.com", "acme/notes", "1"}}) {
    EXPECT_FALSE(run.valid()) << run.server_url << " " << run.repository << " " << run.run_id;
    EXPECT_FALSE(secrets_page_url(run));
    EXPECT_FALSE(run_page_url(run));
    EXPECT_FALSE(rerun_command(run));
  }
}

TEST(FixLinks, TheStepsCommandSaysWhichPermissionItNeeds) {
  EXPECT_EQ(step_permission("wrangler d1 migrations apply DB --remote"), k_d1_edit);
  EXPECT_EQ(step_permission("wrangler pages deploy dist"),
            "Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit");
  EXPECT_EQ(step_permission("wrangler deploy --env production"), k_scripts_edit);
  EXPECT_EQ(step_permission("wrangler whoami"), std::nullopt);
  EXPECT_EQ(step_permission("wrangler deployments list"), std::nullopt);
}

TEST(FixLinks, OnlyACredentialFailureGetsFixes) {
  CatalogueEntry entry;
  entry.failure_class = FailureClass::migration_sql;
  entry.permissions = {k_d1_edit};
  GithubRun run{"https://github.com", "acme/notes", "7"};
  EXPECT_TRUE(credential_fixes(entry, "wrangler d1 migrations apply DB", run).empty());
  entry.failure_class = FailureClass::authorization;
  std::vector<Fix> fixes = credential_fixes(entry, "wrangler d1 migrations apply DB", run);
  ASSERT_EQ(fixes.size(), 3u);
  EXPECT_EQ(fixes[0].kind, "token");
  EXPECT_NE(fixes[0].url.find("name=cfdeploy%20acme%2Fnotes"), std::string::npos) << fixes[0].url;
  EXPECT_EQ(fixes[2].command, "gh run rerun 7 --failed");
}

TEST(FixLinks, AnEntryWithCandidatePermissionsIsNarrowedByTheStep) {
  CatalogueEntry entry;
  entry.failure_class = FailureClass::authentication;
  entry.permissions = {k_scripts_edit, k_d1_edit,
                       "Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit"};
  std::vector<Fix> fixes = credential_fixes(entry, "wrangler deploy", {});
  ASSERT_EQ(fixes.size(), 1u);  // no valid run: no secrets page, no re-run
  EXPECT_EQ(percent_decode(query_value(fixes[0].url, "permissionGroupKeys")),
            R"([{"key":"workers_scripts","type":"edit"}])");
}

// The catalogue's Pages 7403 entry on a `pages deploy` step: the form opens with Pages Edit.
TEST(FixLinks, APagesPermissionFailureLinksATokenWithPagesEdit) {
  const CatalogueEntry* entry = nullptr;
  for (const CatalogueEntry& candidate : builtin_catalogue().entries()) {
    entry = candidate.id == "pages-permission-denied" ? &candidate : entry;
  }
  ASSERT_NE(entry, nullptr);
  std::vector<Fix> fixes = credential_fixes(*entry, "wrangler pages deploy dist", {});
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(percent_decode(query_value(fixes[0].url, "permissionGroupKeys")),
            R"([{"key":"page","type":"edit"}])");
}

TEST(FixLinks, TheWorkflowPageComesFromTheRunsWorkflowRef) {
  GithubRun run{"https://github.com", "acme/notes", "1",
                "acme/notes/.github/workflows/db-migrate.yml@refs/heads/main"};
  EXPECT_EQ(workflow_file(run), "db-migrate.yml");
  EXPECT_EQ(workflow_page_url(run),
            "https://github.com/acme/notes/actions/workflows/db-migrate.yml");
}

TEST(FixLinks, AWorkflowRefOfAnotherRepositoryOrOddFileGivesNoPage) {
  for (const std::string ref :
       {"other/repo/.github/workflows/x.yml@main", "acme/notes/.github/workflows/../x.yml@main",
        "acme/notes/.github/workflows/a b.yml@main", "acme/notes/.github/workflows/x.txt@main",
        ""}) {
    GithubRun run{"https://github.com", "acme/notes", "1", ref};
    EXPECT_EQ(workflow_page_url(run), std::nullopt) << ref;
  }
}
}  // namespace
}  // namespace cfdeploy
