// The shared ways a check is built: the catalogue's advice comes from the catalogue passed
// in, an unusable answer is "could not check", and a refused token skips what needs it.
#include "preflight_check.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using namespace testing;  // the preflight fixtures

// A catalogue of one entry, for code 7403 on D1.
Catalogue one_entry_catalogue() {
  Result<Catalogue> catalogue = Catalogue::from_json(R"({"version": 1, "entries": [{
    "id": "d1-probe-refused", "codes": [7403], "scope": "/d1/", "class": "authorization",
    "title": "D1 refused", "guidance": ["Give the token D1 access."],
    "docs": "https://developers.cloudflare.com/d1/"}]})");
  EXPECT_TRUE(catalogue.ok()) << catalogue.error().message();
  return catalogue.value();
}

TEST(PreflightCheck, CatalogueAdviceComesFromTheCataloguePassedIn) {
  Catalogue catalogue = one_entry_catalogue();
  CheckResult check = new_check("d1-write:DB", "D1 write");
  add_catalogue_fix(check, answer(403, nullptr, {{7403, "not authorized"}}), "/d1/database/query",
                    catalogue);
  EXPECT_EQ(check.code, 7403);
  EXPECT_EQ(check.fix, (std::vector<std::string>{"Give the token D1 access."}));
  CheckResult elsewhere = new_check("account", "Account");
  add_catalogue_fix(elsewhere, answer(403, nullptr, {{9109, "Unauthorized"}}), "/accounts",
                    catalogue);
  EXPECT_TRUE(elsewhere.fix.empty());
}

TEST(PreflightCheck, AProbeThatRanProvesOnlyWhatItSays) {
  Catalogue catalogue = one_entry_catalogue();
  CheckResult check = probe_check(new_check("d1-write:DB", "D1 write"), answer(200, nullptr),
                                  "/d1/database/query", "SELECT 1 ran.", catalogue);
  EXPECT_EQ(check.status, CheckStatus::could_not_check);
  EXPECT_EQ(check.detail, "SELECT 1 ran.");
  CheckResult refused =
      probe_check(new_check("d1-write:DB", "D1 write"), answer(403, nullptr, {{7403, "no"}}),
                  "/d1/database/query", "SELECT 1 ran.", catalogue);
  EXPECT_EQ(refused.status, CheckStatus::fail);
  EXPECT_EQ(refused.fix, (std::vector<std::string>{"Give the token D1 access."}));
}

TEST(PreflightCheck, AnUntrustedCertificateSaysHowToTrustAProxy) {
  ApiResponse tls;
  tls.failure = TransportFailure::tls;
  tls.failure_detail = "certificate verify failed";
  CheckResult check = inconclusive_check(new_check("account", "Account"), tls);
  EXPECT_EQ(check.status, CheckStatus::could_not_check);
  EXPECT_NE(all_fixes(check).find("--ca-file"), std::string::npos) << all_fixes(check);
}

TEST(PreflightCheck, ARefusedTokenSkipsTheChecksThatNeedIt) {
  PreflightInput input = input_for();
  PreflightAnswers answers;
  EXPECT_EQ(token_skip_reason({input, answers, builtin_catalogue()}), std::nullopt);
  answers.token = TokenState{};
  answers.token->status = TokenStatus::expired;
  EXPECT_EQ(token_skip_reason({input, answers, builtin_catalogue()}),
            "Skipped: the token is expired.");
  input.token = TokenPresence::empty;
  EXPECT_EQ(token_skip_reason({input, answers, builtin_catalogue()}),
            "Skipped: there is no usable API token.");
}

}  // namespace
}  // namespace cfdeploy
