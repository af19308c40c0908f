#include "error_facts.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(ErrorFacts, ExtractsEveryCodeInOrder) {
  EXPECT_EQ(extract_codes("Invalid request headers [code: 6003] - Invalid format [code: 6111]"),
            (std::vector<int>{6003, 6111}));
}

TEST(ErrorFacts, ReadsACodeWrappedOntoTheNextLine) {
  // A terminal-width wrap, after the lines of the box were joined with spaces.
  EXPECT_EQ(extract_codes("not authorized to access this service [code:   7403]"),
            (std::vector<int>{7403}));
}

TEST(ErrorFacts, IgnoresCodeMarkersWithoutANumber) {
  EXPECT_TRUE(extract_codes("[code: ] [code:abc] [code: 12").empty());
}

TEST(ErrorFacts, ResourceFromTheApiHeadline) {
  EXPECT_EQ(
      extract_resource("A request to the Cloudflare API (/accounts/***/d1/database/***/query) "
                       "failed. The given account is not valid [code: 7403]"),
      "/accounts/***/d1/database/***/query");
}

TEST(ErrorFacts, ResourceAndStatusFromAMalformedResponseNote) {
  std::string text =
      "Received a malformed response from the API <html> ... (length = 155) "
      "POST /accounts/A/d1/database/B/query -> 502 Bad Gateway";
  EXPECT_EQ(extract_resource(text), "/accounts/A/d1/database/B/query");
  EXPECT_EQ(extract_status(text), 502);
}

TEST(ErrorFacts, NoStatusWithoutAnArrow) {
  EXPECT_EQ(extract_status("A request to the Cloudflare API (/x) failed. [code: 10000]"),
            std::nullopt);
  EXPECT_EQ(extract_status("value -> 12345 units"), std::nullopt);
}

TEST(ErrorFacts, AnyCodeInEveryShapeOutsideABox) {
  using Codes = std::vector<int>;
  EXPECT_EQ(extract_any_codes("not authorized [code: 7403]"), Codes{7403});
  EXPECT_EQ(extract_any_codes("Authentication error [API code: 10000]"), Codes{10000});
  EXPECT_EQ(extract_any_codes("Code 10000: Authentication error"), Codes{10000});
  EXPECT_EQ(extract_any_codes("  code: 8000007,"), Codes{8000007});
  EXPECT_EQ(extract_any_codes(R"({"errors":[{"code":7403,"message":"x"}]})"), Codes{7403});
  EXPECT_EQ(extract_any_codes(R"({\"code\":7403})"), Codes{7403});
  EXPECT_EQ(extract_any_codes(R"("code": 7500,)"), Codes{7500});
  EXPECT_EQ(extract_any_codes("a [code: 6003] b [code: 6111]"), (Codes{6003, 6111}));
  EXPECT_EQ(extract_any_codes("[10027] Your Worker exceeded the size limit"), Codes{10027});
}

TEST(ErrorFacts, BracketedCountersAndStatusesAreNotLeadingCodes) {
  EXPECT_TRUE(extract_any_codes("[1/3] Building").empty());
  EXPECT_TRUE(extract_any_codes("[200] OK").empty());
  EXPECT_TRUE(extract_any_codes("[10027]Your Worker").empty());
  EXPECT_TRUE(extract_any_codes("[12345] lower case is not a message").empty());
  EXPECT_TRUE(extract_any_codes("see [10027] Your Worker").empty());
}

TEST(ErrorFacts, ExitAndStatusCodesAreNotApiCodes) {
  EXPECT_TRUE(extract_any_codes("Process completed with exit code 1.").empty());
  EXPECT_TRUE(extract_any_codes("Command failed with exit code 127").empty());
  EXPECT_TRUE(extract_any_codes("HTTP status code 502").empty());
  EXPECT_TRUE(extract_any_codes("error code: 1015").empty());
  EXPECT_TRUE(extract_any_codes("Unicode 12345: text").empty());
  EXPECT_TRUE(extract_any_codes("code 10000 without a colon").empty());
}

}  // namespace
}  // namespace cfdeploy
