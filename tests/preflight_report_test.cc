// The preflight report as JSON and as text.
#include "preflight_report.h"

#include <gtest/gtest.h>

#include "support/preflight_fixtures.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using namespace testing;  // the preflight fixtures

TEST(PreflightReport, JsonAndTextShowEveryCheck) {
  ScriptedApi api;
  all_good(api).on("GET " + k_by_id, answer(404, nullptr, {{7404, "Not found"}}));
  PreflightReport report = run_checks(api, input_for());
  json out = preflight_to_json(report);
  EXPECT_EQ(out["ok"], false);
  EXPECT_EQ(out["checks"].size(), report.checks.size());
  EXPECT_EQ(out["counts"]["fail"], 1);
  json db = out["checks"][4];
  EXPECT_EQ(db["id"], "d1-database:lab-db");
  EXPECT_EQ(db["status"], "fail");
  EXPECT_EQ(db["line"], 10);
  EXPECT_EQ(db["code"], 7404);
  EXPECT_FALSE(db["requests"].empty());
  std::string text = preflight_to_text(report);
  EXPECT_NE(text.find("FAIL            D1 database 'lab-db'"), std::string::npos) << text;
  EXPECT_NE(text.find("Preflight FAILED: "), std::string::npos);
}

}  // namespace
}  // namespace cfdeploy
