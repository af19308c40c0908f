// One API request written up for the report, and the id shapes the API paths take.
#include "api_request.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using namespace testing;  // the preflight fixtures

TEST(ApiRequest, TheLineNamesTheRequestTheStatusAndTheCode) {
  ScriptedApi api;
  api.on("GET /accounts", answer(403, nullptr, {{9109, "Unauthorized"}}));
  ApiRequest sent = send_api_request(api, "GET", "/accounts");
  EXPECT_EQ(sent.line, "GET /accounts -> 403 [code: 9109]");
  EXPECT_EQ(sent.response.status, 403);
}

TEST(ApiRequest, ATransportFailureIsNamedInsteadOfAStatus) {
  ScriptedApi api;
  ApiResponse down;
  down.failure = TransportFailure::timeout;
  api.on("POST /q", down);
  EXPECT_EQ(send_api_request(api, "POST", "/q", {{"sql", "SELECT 1"}}).line,
            "POST /q -> " + std::string(to_string(TransportFailure::timeout)));
}

TEST(ApiRequest, AStringMemberIsEmptyWhenMissingOrNotAString) {
  nlohmann::json object = {{"name", "lab"}, {"id", 7}};
  EXPECT_EQ(api_string(object, "name"), "lab");
  EXPECT_EQ(api_string(object, "id"), "");
  EXPECT_EQ(api_string(object, "absent"), "");
  EXPECT_EQ(api_string(nlohmann::json::array(), "name"), "");
}

TEST(ApiRequest, RefusedCredentialsAreTheAuthStatusesAndCodes) {
  EXPECT_TRUE(credential_refused(answer(401, nullptr)));
  EXPECT_TRUE(credential_refused(answer(404, nullptr, {{9106, "Missing X-Auth-Key"}})));
  EXPECT_FALSE(credential_refused(answer(404, nullptr, {{7000, "No route"}})));
  EXPECT_FALSE(credential_refused(answer(500, nullptr)));
}

TEST(ApiRequest, IdShapes) {
  EXPECT_TRUE(is_account_id(k_account));
  EXPECT_FALSE(is_account_id("dev@example.com"));
  EXPECT_FALSE(is_account_id(k_account + "0"));
  EXPECT_TRUE(is_database_id(k_db_id));
  EXPECT_FALSE(is_database_id("<YOUR_DATABASE_ID>"));
  EXPECT_FALSE(is_database_id("11111111x2222-3333-4444-555555555555"));
}

}  // namespace
}  // namespace cfdeploy
