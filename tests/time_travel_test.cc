// The bookmark a remote migration takes first: which requests it sends, and why it has none.
#include "time_travel.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

const std::string k_bookmark = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
const std::string k_bookmark_path = k_by_id + "/time_travel/bookmark";

PreflightInput lab_db_input() {
  PreflightInput input = input_for();
  input.databases.resize(1);
  return input;
}

TEST(TimeTravel, AsksForTheBookmarkOfTheConfiguredDatabaseId) {
  ScriptedApi api;
  api.on("GET " + k_bookmark_path, answer(200, json{{"bookmark", k_bookmark}}));
  BookmarkAnswer got = current_bookmark(api, lab_db_input());
  EXPECT_EQ(got.bookmark, k_bookmark);
  EXPECT_EQ(got.problem, "");
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET " + k_bookmark_path}));
}

TEST(TimeTravel, LooksTheIdUpByNameWhenTheConfigurationHasNone) {
  ScriptedApi api;
  PreflightInput input = lab_db_input();
  input.databases[0].database_id = {};
  api.on("GET " + k_by_name, answer(200, json::array({{{"name", "lab-db"}, {"uuid", k_db_id}}})));
  api.on("GET " + k_bookmark_path, answer(200, json{{"bookmark", k_bookmark}}));
  EXPECT_EQ(current_bookmark(api, input).bookmark, k_bookmark);
  EXPECT_EQ(api.seen(), (std::vector<std::string>{"GET " + k_by_name, "GET " + k_bookmark_path}));
}

TEST(TimeTravel, UsesTheTokensOnlyAccountWhenNoneIsSet) {
  ScriptedApi api;
  PreflightInput input = lab_db_input();
  input.account = {};
  api.on("GET /accounts?per_page=50", answer(200, json::array({{{"id", k_account}}})));
  api.on("GET " + k_bookmark_path, answer(200, json{{"bookmark", k_bookmark}}));
  EXPECT_EQ(current_bookmark(api, input).bookmark, k_bookmark);
}

TEST(TimeTravel, ARefusedRequestIsTheProblemWithItsCode) {
  ScriptedApi api;
  api.on("GET " + k_bookmark_path,
         answer(403, nullptr, {{7403, "The given account is not valid or is not authorized"}}));
  BookmarkAnswer got = current_bookmark(api, lab_db_input());
  EXPECT_EQ(got.bookmark, "");
  EXPECT_NE(got.problem.find("403"), std::string::npos) << got.problem;
  EXPECT_NE(got.problem.find("7403"), std::string::npos) << got.problem;
}

TEST(TimeTravel, ABookmarkOfAnUnusualFormIsNotTaken) {
  ScriptedApi api;
  api.on("GET " + k_bookmark_path, answer(200, json{{"bookmark", "x; rm -rf /"}}));
  BookmarkAnswer got = current_bookmark(api, lab_db_input());
  EXPECT_EQ(got.bookmark, "");
  EXPECT_NE(got.problem.find("no bookmark"), std::string::npos) << got.problem;
}

TEST(TimeTravel, NoTokenSendsNothing) {
  ScriptedApi api;
  PreflightInput input = lab_db_input();
  input.token = TokenPresence::unset;
  EXPECT_EQ(current_bookmark(api, input).problem, "CLOUDFLARE_API_TOKEN is not set");
  EXPECT_TRUE(api.seen().empty());
}

TEST(TimeTravel, ADatabaseMissingFromTheConfigurationIsNamed) {
  ScriptedApi api;
  PreflightInput input = lab_db_input();
  input.databases.clear();
  input.missing_databases = {"other-db"};
  EXPECT_NE(current_bookmark(api, input).problem.find("'other-db'"), std::string::npos);
  EXPECT_TRUE(api.seen().empty());
}

TEST(TimeTravel, RestoreCommandsNameTheDatabaseAndBookmark) {
  EXPECT_EQ(wrangler_restore_command("lab-db", "b-1"),
            "wrangler d1 time-travel restore lab-db --bookmark=b-1");
  EXPECT_EQ(cfdeploy_restore_command("lab-db", "b-1"), "cfdeploy restore lab-db --bookmark b-1");
  EXPECT_EQ(wrangler_restore_command("lab-db", "b-1", "staging"),
            "wrangler d1 time-travel restore lab-db --bookmark=b-1 --env staging");
  EXPECT_EQ(cfdeploy_restore_command("lab-db", "b-1", "staging"),
            "cfdeploy restore lab-db --bookmark b-1 --env staging");
  EXPECT_TRUE(is_bookmark(k_bookmark));
  EXPECT_FALSE(is_bookmark(""));
  EXPECT_FALSE(is_bookmark("a b"));
}

}  // namespace
}  // namespace cfdeploy
