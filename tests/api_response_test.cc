// Cloudflare's JSON envelope read from a status and a body, without a server: what is kept,
// and the bodies that say nothing about the request.
#include "api_response.h"

#include <gtest/gtest.h>

#include <string>

namespace cfdeploy {
namespace {

TEST(ApiResponse, ParsesAnEnvelopeWithoutAServer) {
  ApiResponse refused = parse_api_response(
      403, R"({"success":false,"errors":[{"code":7403,"message":"not authorized"},"text"]})",
      "application/json");
  EXPECT_EQ(refused.failure, TransportFailure::none);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_code(), 7403);
  ASSERT_EQ(refused.errors.size(), 2u);
  EXPECT_EQ(refused.errors[1].message, "text");

  ApiResponse no_envelope = parse_api_response(200, R"({"result":[]})", "application/json");
  EXPECT_EQ(no_envelope.failure, TransportFailure::bad_body);
  EXPECT_TRUE(no_envelope.inconclusive());
}

TEST(ApiResponse, ReadsPlainJsonAsGithubSendsIt) {
  ApiResponse created = parse_json_response(201, R"({"id":7,"environment":"preview"})", "");
  EXPECT_TRUE(created.ok());
  EXPECT_EQ(created.result.at("id"), 7);

  ApiResponse refused =
      parse_json_response(422, R"({"message":"Validation Failed","errors":[]})", "");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.summary(), "HTTP 422: Validation Failed");

  ApiResponse html = parse_json_response(502, "<html>Bad gateway</html>", "text/html");
  EXPECT_EQ(html.failure, TransportFailure::bad_body);
  EXPECT_NE(html.failure_detail.find("Bad gateway"), std::string::npos);

  ApiResponse deep = parse_json_response(200, std::string(100000, '[') + "]", "");
  EXPECT_EQ(deep.failure, TransportFailure::bad_body);

  EXPECT_TRUE(parse_json_response(204, "", "").ok());
}

TEST(ApiResponse, AnAnswerNestedTooDeepIsABadBodyNotACrash) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& body :
       {R"({"success":)" + deep + "}", R"({"success":true,"result":)" + deep + "}"}) {
    ApiResponse response = parse_api_response(200, body, "application/json");
    EXPECT_EQ(response.failure, TransportFailure::bad_body);
    EXPECT_TRUE(response.inconclusive());
    EXPECT_EQ(response.failure_detail,
              "HTTP 200 with a body that is not a Cloudflare JSON answer (nested more than 256 "
              "levels deep)");
  }
  std::string nested_256 = std::string(255, '[') + std::string(255, ']');
  ApiResponse fine = parse_api_response(200, R"({"success":true,"result":)" + nested_256 + "}", "");
  EXPECT_EQ(fine.failure, TransportFailure::none);
  EXPECT_TRUE(fine.ok());
}

TEST(ApiResponse, SuccessThatIsNotABooleanIsABadBody) {
  for (const char* success : {R"("true")", "1", "null", R"({"ok":true})"}) {
    ApiResponse response = parse_api_response(
        200, std::string(R"({"success":)") + success + R"(,"errors":[],"result":{"id":"x"}})",
        "application/json");
    EXPECT_EQ(response.failure, TransportFailure::bad_body) << success;
    EXPECT_TRUE(response.inconclusive()) << success;
    EXPECT_NE(response.summary().find("\"success\" field that is not true or false"),
              std::string::npos)
        << response.summary();
  }
}

// A server or a failure message may echo the token back; none of the texts keeps it.
TEST(ApiResponse, ScrubsTheSecretFromEveryTextAServerCouldEcho) {
  const std::string secret = "tok3n-Secret-Value";
  ApiResponse response;
  response.failure_detail = "refused " + secret;
  response.errors = {{6003, "bad header: Bearer " + secret}};
  response.messages = {{0, secret + " and " + secret}};
  ApiResponse scrubbed = scrub_secret_from_response(response, secret);
  EXPECT_EQ(scrubbed.failure_detail, "refused ***");
  EXPECT_EQ(scrubbed.errors[0].message, "bad header: Bearer ***");
  EXPECT_EQ(scrubbed.errors[0].code, 6003);
  EXPECT_EQ(scrubbed.messages[0].message, "*** and ***");
  EXPECT_EQ(scrub_secret("nothing to hide", ""), "nothing to hide");
}

}  // namespace
}  // namespace cfdeploy
