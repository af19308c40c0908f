#include "classifier.h"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "line_splitter.h"
#include "support/fixtures.h"

namespace cfdeploy {
namespace {

using testing::wrangler_fixture;

const std::string k_incident =
    "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/***/d1/database/***) failed. "
    "The given account is not valid or is not authorized to access this service [code: 7403]";

const std::string k_red_error_prefix =
    "\x1b[31m\xE2\x9C\x98 \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1m";

Verdict classify(const std::string& log) {
  Classifier classifier(builtin_catalogue());
  LineSplitter splitter([&](std::string_view line) { classifier.feed_line(line); });
  splitter.feed(log);
  splitter.finish();
  return classifier.finish();
}

std::string class_of(const Verdict& verdict) {
  return verdict.primary ? std::string(to_string(verdict.primary->entry->failure_class)) : "ok";
}

// Prefixes every line the way GitHub's web log shows it.
std::string with_timestamps(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    out += "2026-11-27T10:15:02.1234567Z " + line + "\n";
  }
  return out;
}

TEST(Classifier, TheOriginalIncidentLineIsA7403AuthorizationFailure) {
  Verdict verdict = classify("Executing migrations\n" + k_incident + "\n");
  ASSERT_FALSE(verdict.ok);
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(verdict.primary->code, 7403);
  EXPECT_EQ(verdict.primary->resource, "/accounts/***/d1/database/***");
  EXPECT_EQ(verdict.primary->line, 2u);
  EXPECT_EQ(verdict.primary->evidence, k_incident);
  EXPECT_FALSE(verdict.primary->entry->retryable);
}

TEST(Classifier, AColouredBoxWithIndentedNotes) {
  std::string log = k_red_error_prefix +
                    "A request to the Cloudflare API (/accounts/a/d1/database/b/query) failed."
                    "\x1b[0m\n\n  Authentication error [code: 10000]\n\n\n"
                    "\xF0\x9F\x93\x8E It looks like you are authenticating Wrangler via a custom "
                    "API token set in an environment variable.\n";
  Verdict verdict = classify(log);
  EXPECT_EQ(class_of(verdict), "authorization");  // 10000 on a D1 path: D1 permission missing
  EXPECT_EQ(verdict.primary->code, 10000);
  EXPECT_EQ(verdict.primary->line, 3u);
  EXPECT_EQ(verdict.primary->evidence, "Authentication error [code: 10000]");
}

TEST(Classifier, TheWindowsErrorIcon) {
  Verdict verdict = classify(
      "X [ERROR] A request to the Cloudflare API (/accounts/a/workers/scripts/w) failed.\n\n"
      "  Please wait and consider throttling your request speed [code: 971]\n");
  EXPECT_EQ(class_of(verdict), "rate_limit");
  EXPECT_EQ(verdict.primary->code, 971);
  EXPECT_TRUE(verdict.primary->entry->retryable);
}

TEST(Classifier, ACodeWrappedOntoTheNextLine) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b/query) "
      "failed.\n\n  The given account is not valid or is not authorized to access this service "
      "[code:\n  7403]\n");
  EXPECT_EQ(verdict.primary->code, 7403);
  EXPECT_EQ(class_of(verdict), "authorization");
}

TEST(Classifier, ACodeWrappedOntoAnUnindentedLine) {
  Verdict verdict = classify(k_incident.substr(0, k_incident.size() - 6) + "\n7403]\n");
  EXPECT_EQ(verdict.primary->code, 7403);
}

TEST(Classifier, GithubTimestampsOnEveryLine) {
  Verdict verdict = classify(with_timestamps(wrangler_fixture("d1-apply-7403")));
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(verdict.primary->code, 7403);
}

TEST(Classifier, ReWrappedByAnotherActionWithAnErrorPrefix) {
  Verdict verdict = classify("Error: " + k_incident + "\n");
  EXPECT_EQ(verdict.primary->code, 7403);
}

TEST(Classifier, SuccessfulRunWithSuspiciousNamesIsOk) {
  // What `grep -qiE 'not authorized|7403'` got wrong.
  Verdict verdict = classify(
      "Migrations to be applied:\n"
      "\xE2\x94\x82 0002_audit_7403_not_authorized.sql \xE2\x94\x82\n"
      "INSERT INTO log VALUES ('Authentication error [code: 10000]');\n"
      "\xE2\x94\x82 0002_audit_7403_not_authorized.sql \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82\n");
  EXPECT_TRUE(verdict.ok);
  EXPECT_FALSE(verdict.primary.has_value());
}

TEST(Classifier, RecordedSuccessfulMigrationWhoseNamesContain7403IsOk) {
  std::string log = wrangler_fixture("d1-apply-ok");
  ASSERT_NE(log.find("7403"), std::string::npos) << "the fixture must contain the bait";
  EXPECT_TRUE(classify(log).ok);
}

TEST(Classifier, FirstRecognisedBoxIsPrimaryAndTheRestAreKept) {
  std::string box_10000 =
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (%s) failed.\n\n"
      "  Authentication error [code: 10000]\n\n";
  std::string first = box_10000;
  first.replace(first.find("%s"), 2, "/accounts/a/d1/database/b/query");
  std::string second = box_10000;
  second.replace(second.find("%s"), 2, "/user/tokens/verify");
  Verdict verdict = classify(first + second);
  ASSERT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.primary->resource, "/accounts/a/d1/database/b/query");
  ASSERT_EQ(verdict.others.size(), 1u);
  EXPECT_EQ(verdict.others[0].resource, "/user/tokens/verify");
}

TEST(Classifier, AnUnknownBoxBeforeAKnownOneIsNotPrimary) {
  Verdict verdict =
      classify("\xE2\x9C\x98 [ERROR] Something nobody has seen before\n" + k_incident + "\n");
  EXPECT_EQ(class_of(verdict), "authorization");
  ASSERT_EQ(verdict.others.size(), 1u);
  EXPECT_EQ(verdict.others[0].entry->failure_class, FailureClass::unknown);
}

TEST(Classifier, AnUnknownBoxAloneIsStillAFailure) {
  Verdict verdict = classify("\xE2\x9C\x98 [ERROR] Something nobody has seen before\n");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(class_of(verdict), "unknown");
}

TEST(Classifier, TheMigrationWrapperNamesTheFileOfTheRealError) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Migration 0001_init.sql failed with the following errors:\n"
      "\xE2\x9C\x98 [ERROR] The given account is not valid or is not authorized to access this "
      "service [code: 7403]\n");
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(verdict.primary->entry->id, "d1-permission-denied");
  EXPECT_EQ(verdict.primary->migration, "0001_init.sql");
  EXPECT_TRUE(verdict.others.empty());
}

TEST(Classifier, ALocalSqlErrorIsAMigrationSqlFailureInThatFile) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Migration 0002_broken.sql failed with the following errors:\n"
      "\xE2\x9C\x98 [ERROR] near \"CREAT\": syntax error at offset 0: SQLITE_ERROR\n");
  EXPECT_EQ(class_of(verdict), "migration_sql");
  EXPECT_EQ(verdict.primary->migration, "0002_broken.sql");
  EXPECT_EQ(verdict.primary->code, std::nullopt);
}

TEST(Classifier, AFailedRowInTheMigrationsTableFailsTheStepWithoutABox) {
  Verdict verdict = classify(
      "\xE2\x94\x82 0001_init.sql   \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82\n"
      "\xE2\x94\x82 0002_users.sql  \xE2\x94\x82 \xE2\x9D\x8C \xE2\x94\x82\n");
  ASSERT_FALSE(verdict.ok);
  EXPECT_EQ(class_of(verdict), "migration_sql");
  EXPECT_EQ(verdict.primary->migration, "0002_users.sql");
  EXPECT_EQ(verdict.primary->line, 2u);
}

TEST(Classifier, CountsEachAppliedMigrationOnceThoughTheTableIsReprinted) {
  std::string row1 = "\xE2\x94\x82 0001_a.sql \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82\n";
  std::string row2 = "\xE2\x94\x82 0002_b.sql \xE2\x94\x82 \xE2\x9C\x85 \xE2\x94\x82\n";
  Verdict verdict = classify(row1 + row1 + row2);
  EXPECT_TRUE(verdict.ok);
  EXPECT_EQ(verdict.migrations_applied, 2u);
  EXPECT_EQ(classify(wrangler_fixture("d1-apply-ok")).migrations_applied, 2u);
}

TEST(Classifier, WarningsAloneAreNotAFailure) {
  Verdict verdict = classify(
      "\xE2\x96\xB2 [WARNING] A fetch request failed, likely due to a connectivity issue.\n\n"
      "  Common causes:\n    - Firewall\n");
  EXPECT_TRUE(verdict.ok);
  ASSERT_EQ(verdict.warnings.size(), 1u);
  EXPECT_EQ(verdict.warnings[0].line, 1u);
}

TEST(Classifier, BoxesOnBothStreamsInterleaved) {
  Classifier classifier(builtin_catalogue());
  classifier.feed_line(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
      "(/accounts/a/workers/scripts/w) failed.",
      Stream::err);
  classifier.feed_line("Getting User settings...", Stream::out);
  classifier.feed_line("", Stream::err);
  classifier.feed_line("  Authentication error [code: 10000]", Stream::err);
  Verdict verdict = classifier.finish();
  EXPECT_EQ(verdict.primary->code, 10000);
  EXPECT_EQ(verdict.primary->line, 4u);
}

TEST(Classifier, MaskedSecretsInThePathKeepTheProductScope) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/***/d1/database/***/query) "
      "failed.\n\n  no such table: users: SQLITE_ERROR [code: 7500]\n");
  EXPECT_EQ(class_of(verdict), "migration_sql");
}

TEST(Classifier, FindingsAreCappedSoMemoryStaysBounded) {
  Classifier classifier(builtin_catalogue());
  for (int i = 0; i < 10000; ++i) {
    classifier.feed_line(k_incident);
  }
  Verdict verdict = classifier.finish();
  EXPECT_EQ(verdict.others.size() + 1, Classifier::k_max_findings);
  EXPECT_EQ(verdict.others_dropped, 10000 - Classifier::k_max_findings);
  EXPECT_EQ(verdict.lines, 10000u);
}

TEST(Classifier, AnEndlessBoxKeepsBoundedText) {
  Classifier classifier(builtin_catalogue());
  classifier.feed_line("\xE2\x9C\x98 [ERROR] Something failed");
  for (int i = 0; i < 100000; ++i) {
    classifier.feed_line("  more detail that goes on and on");
  }
  classifier.feed_line("  [code: 7403]");
  Verdict verdict = classifier.finish();
  EXPECT_FALSE(verdict.ok);
  EXPECT_LE(verdict.primary->evidence.size(), Classifier::k_max_block_text);
}

const std::string k_incident_bare =
    "A request to the Cloudflare API (/accounts/***/d1/database/***) failed. The given account is "
    "not valid or is not authorized to access this service [code: 7403]";

Verdict classify_failed(const std::string& log) {
  Classifier classifier(builtin_catalogue());
  classifier.set_known_failed(true);
  LineSplitter splitter([&](std::string_view line) { classifier.feed_line(line); });
  splitter.feed(log);
  splitter.finish();
  return classifier.finish();
}

std::string id_of(const Verdict& verdict) {
  return verdict.primary ? verdict.primary->entry->id : "ok";
}

TEST(Classifier, TheIncidentLinePastedBareQuotedOrPrefixedIs7403) {
  for (std::string line :
       {k_incident_bare, "> " + k_incident_bare, "12:34:56.789 | " + k_incident_bare,
        "Error: " + k_incident_bare, "deploy-1  | " + k_incident_bare}) {
    Verdict verdict = classify("Executing migrations\n" + line + "\n");
    EXPECT_EQ(class_of(verdict), "authorization") << line;
    EXPECT_EQ(verdict.primary->code, 7403) << line;
  }
}

TEST(Classifier, BoxMarkersFoundAfterAnyIconOrPrefix) {
  std::string rest =
      "A request to the Cloudflare API (/accounts/a/d1/database/b/query) failed.\n\n"
      "  Authentication error [code: 10000]\n";
  for (const std::string& head :
       {std::string("X [ERROR] "), std::string("\xC3\xA2\xC5\x93\xCB\x9C [ERROR] "),
        std::string("\xCE\x93\xC2\xA3\xC3\xBF [ERROR] "), std::string("[ERROR] "),
        std::string("Error: \xE2\x9C\x98 [ERROR] "),
        std::string("web:deploy: \xE2\x9C\x98 [ERROR] ")}) {
    Verdict verdict = classify(head + rest);
    EXPECT_EQ(class_of(verdict), "authorization") << head;
    EXPECT_EQ(verdict.primary->code, 10000) << head;
  }
}

TEST(Classifier, DashboardPrefixedBoxKeepsItsNotes) {
  Verdict verdict = classify(
      "10:15:02.104 | \xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
      "(/accounts/a/workers/scripts/w) failed.\n10:15:02.105 | \n"
      "10:15:02.106 |   Please wait and consider throttling your request speed [code: 971]\n");
  EXPECT_EQ(class_of(verdict), "rate_limit");
  EXPECT_EQ(verdict.primary->code, 971);
}

TEST(Classifier, CodesOutsideBoxesInEveryShape) {
  struct Case {
    std::string log;
    int code;
  };
  for (const Case& c : std::vector<Case>{
           {"Error: Something went wrong with the request to Cloudflare...\n"
            "Authentication error [API code: 10000]\n",
            10000},
           {"\xE2\x9A\xA0\xEF\xB8\x8F  Code 10000: Authentication error\n", 10000},
           {"  code: 8000007,\n  message: 'Project not found. The specified project name does not "
            "match any of your existing projects.'\n",
            8000007},
           {"{\"success\":false,\"errors\":[{\"code\":7403,\"message\":\"The given account is not "
            "valid or is not authorized to access this service\"}]}\n",
            7403},
           {"{\"level\":\"error\",\"msg\":\"{\\\"errors\\\":[{\\\"code\\\":7403,\\\"message\\\":"
            "\\\"not authorized\\\"}]}\"}\n",
            7403},
           {"The given account is not valid or is not authorized to access this service [code:\n"
            "7403]\n",
            7403},
       }) {
    Verdict verdict = classify(c.log);
    ASSERT_TRUE(verdict.primary.has_value()) << c.log;
    EXPECT_EQ(verdict.primary->code, c.code) << c.log;
  }
}

TEST(Classifier, TheFirstKnownCodeOfALineWithTwoDecides) {
  Verdict verdict = classify(
      "Invalid request headers [code: 6003] - Invalid format for Authorization header [code: "
      "6111]\n");
  EXPECT_EQ(class_of(verdict), "authentication");
  EXPECT_EQ(verdict.primary->code, 6003);
  EXPECT_EQ(verdict.primary->codes, (std::vector<int>{6003, 6111}));
}

TEST(Classifier, AnUnknownFirstCodeOnALineFollowsTheCodeThatDecides) {
  Verdict verdict = classify("Something odd [code: 20000] Authentication error [code: 10000]\n");
  EXPECT_EQ(class_of(verdict), "authentication");
  EXPECT_EQ(verdict.primary->code, 10000);
  EXPECT_EQ(verdict.primary->codes, (std::vector<int>{10000, 20000}));
}

TEST(Classifier, CodesInDataAreNotFindings) {
  EXPECT_TRUE(classify("{\"success\":true,\"errors\":[],\"messages\":[{\"code\":10000,"
                       "\"message\":\"This API Token is valid and active\"}]}\n")
                  .ok);
  EXPECT_TRUE(classify("\xE2\x94\x82 88 \xE2\x94\x82 Error: upstream timeout [code: 7500] "
                       "\xE2\x94\x82\n")
                  .ok);
  EXPECT_TRUE(classify("Process completed with exit code 0.\n").ok);
}

TEST(Classifier, NodeAndUndiciNetworkFailures) {
  for (const std::string& line : std::vector<std::string>{
           "TypeError: fetch failed", "  [cause]: Error: read ECONNRESET",
           "Error: connect ETIMEDOUT 104.16.1.1:443",
           "Error: getaddrinfo ENOTFOUND api.cloudflare.com",
           "Error: getaddrinfo EAI_AGAIN api.cloudflare.com", "code: 'UND_ERR_CONNECT_TIMEOUT'",
           "AggregateError [ECONNREFUSED]:", "Error: self-signed certificate in certificate chain",
           "code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'"}) {
    EXPECT_EQ(class_of(classify(line + "\n")), "network") << line;
  }
}

TEST(Classifier, TlsInterceptionGuidanceNamesTheCaBundleAndProxy) {
  Verdict verdict = classify("Error: self-signed certificate in certificate chain\n");
  std::string guidance;
  for (const std::string& step : verdict.primary->entry->guidance) {
    guidance += step;
  }
  EXPECT_NE(guidance.find("NODE_EXTRA_CA_CERTS"), std::string::npos);
  EXPECT_NE(guidance.find("HTTPS_PROXY"), std::string::npos);
}

TEST(Classifier, CloudflareSideFailuresAreTransient) {
  for (const std::string& log :
       {std::string("<html><head><title>502 Bad Gateway</title></head>\n"),
        std::string("<title>api.cloudflare.com | 522: Connection timed out</title>\n"),
        std::string("upstream connect error or disconnect/reset before headers. reset reason: "
                    "connection timeout\n"),
        std::string("\xE2\x9C\x98 [ERROR] Received a malformed response from the API\n")}) {
    EXPECT_EQ(class_of(classify(log)), "transient") << log;
  }
}

TEST(Classifier, A5xxInADebugBlockExplainsAFailedStep) {
  std::string log = "-- START CF API RESPONSE: Bad Gateway 502\n-- END CF API RESPONSE\n";
  EXPECT_EQ(class_of(classify_failed(log)), "transient");
  EXPECT_EQ(classify_failed(log).primary->status, 502);
}

TEST(Classifier, BuildErrorsAreConfigWithTheirSourceLocation) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Could not resolve \"node:buffer\"\n\n    src/index.ts:1:19:\n"
      "      1 \xE2\x94\x82 import { Buffer } from \"node:buffer\";\n");
  EXPECT_EQ(class_of(verdict), "config");
  EXPECT_EQ(verdict.primary->location, "src/index.ts:1:19");
  EXPECT_EQ(id_of(classify("\xE2\x9C\x98 [ERROR] No matching export in \"src/a.ts\" for import "
                           "\"b\"\n")),
            "esbuild-no-matching-export");
  EXPECT_EQ(class_of(classify("No such compatibility flag: rpc_params_dup_stubs [code: 10021]\n")),
            "config");
  EXPECT_EQ(class_of(classify("Can't set compatibility date in the future: 2030-06-05\n")),
            "config");
}

TEST(Classifier, AnErrorListedInsideAnotherIsPartOfIt) {
  // wrangler prints esbuild's errors indented under "Build failed with N
  // errors:"; the listed error names the cause, the file and the line.
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Build failed with 1 error:\n\n"
      "  \xE2\x9C\x98 [ERROR] Could not resolve \"node:crypto\"\n\n"
      "      src/auth/session.ts:3:23:\n"
      "        3 \xE2\x94\x82 import { randomUUID } from \"node:crypto\";\n\n"
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/workers/scripts/w) "
      "failed.\n\n  Authentication error [code: 10000]\n");
  EXPECT_EQ(id_of(verdict), "esbuild-could-not-resolve");
  EXPECT_EQ(verdict.primary->location, "src/auth/session.ts:3:23");
  EXPECT_EQ(verdict.primary->line, 3u);
  EXPECT_EQ(verdict.primary->evidence, "\xE2\x9C\x98 [ERROR] Could not resolve \"node:crypto\"");
  // A box at the same depth is an error of its own.
  ASSERT_EQ(verdict.others.size(), 1u);
  EXPECT_EQ(verdict.others[0].code, 10000);
}

TEST(Classifier, WranglersSummaryBoxGivesWayToTheApiBoxWithTheCode) {
  std::string log =
      "\xE2\x9C\x98 [ERROR] Your Worker failed validation because it exceeded size limits.\n\n\n"
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
      "(/accounts/a/workers/scripts/w/versions) "
      "failed.\n\n"
      "  Your Worker exceeded the size limit of 3 MiB. [code: 10027]\n";
  Verdict verdict = classify(log);
  EXPECT_EQ(class_of(verdict), "quota");
  EXPECT_EQ(verdict.primary->code, 10027);
  ASSERT_EQ(verdict.others.size(), 1u);
  EXPECT_FALSE(verdict.others[0].code.has_value());
  // A coded box of another class is another failure: the first stays the cause.
  Verdict other = classify(
      "\xE2\x9C\x98 [ERROR] Your Worker failed validation because it exceeded size limits.\n\n\n"
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/workers/scripts/w) "
      "failed.\n\n  Authentication error [code: 10000]\n");
  EXPECT_EQ(class_of(other), "quota");
  EXPECT_FALSE(other.primary->code.has_value());
}

TEST(Classifier, ABareStatusLineGivesWayToTheCodedBodyRightBehindIt) {
  std::string status = "Error: Something went wrong! Status: 429 Too Many Requests, Details {\n";
  std::string body =
      "  \"errors\": [ { \"code\": 10100, \"message\": \"More than 1200 requests "
      "per 300 seconds reached.\" } ]\n";
  Verdict verdict = classify(status + body);
  EXPECT_EQ(class_of(verdict), "rate_limit");
  EXPECT_EQ(verdict.primary->code, 10100);
  // Far apart, they are two reports: the first stays the cause.
  std::string gap;
  for (int i = 0; i < 30; ++i) {
    gap += "Retrying the upload\n";
  }
  Verdict apart = classify(status + gap + body);
  EXPECT_EQ(class_of(apart), "rate_limit");
  EXPECT_FALSE(apart.primary->code.has_value());
}

TEST(Classifier, TheRealErrorAfterWarningsAndUploadLines) {
  Verdict verdict = classify(
      "\xE2\x96\xB2 [WARNING] The version of Wrangler you are using is now out-of-date.\n\n"
      "Uploaded lab-worker (0.19 sec)\nPublished lab-worker (0.06 sec)\n" +
      k_incident + "\n" + "Error: " + k_incident + "\n");
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(verdict.warnings.size(), 1u);
}

TEST(Classifier, WordsOutweighACredentialCodeAndTheReportSaysSo) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/pages/projects/p) "
      "failed.\n\n"
      "  Rate limited. Please wait and consider throttling your request speed [code: 10000]\n");
  EXPECT_EQ(class_of(verdict), "rate_limit");
  EXPECT_EQ(verdict.primary->code, 10000);
  EXPECT_NE(verdict.primary->note.find("disagree"), std::string::npos);
}

TEST(Classifier, AContextual403IsAMissingPermissionNotABadToken) {
  // Cloudflare's 403 answers name the page of the missing permission; the
  // token itself was accepted.
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/workers/scripts/mailer) "
      "failed.\n\n"
      "  Forbidden [code: 10000]\n"
      "  To learn more about this error, visit: "
      "https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/"
      "update/\n");
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(id_of(verdict), "auth-forbidden-permission");
  EXPECT_EQ(verdict.primary->code, 10000);
  // The same path with the older wording stays a refused token.
  EXPECT_EQ(class_of(classify("\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
                              "(/accounts/a/workers/scripts/mailer) failed.\n\n"
                              "  Authentication error [code: 10000]\n")),
            "authentication");
}

TEST(Classifier, WranglerOnesStatusLineIsNotAContextual403) {
  Verdict verdict = classify(
      "Error: Something went wrong! Status: 403 Forbidden, Details {\n"
      "  \"result\": null,\n  \"success\": false,\n  \"errors\": [\n    {\n"
      "      \"code\": 10000,\n      \"message\": \"Authentication error\"\n    }\n  ],\n"
      "  \"messages\": []\n}\n");
  EXPECT_EQ(class_of(verdict), "authentication");
  EXPECT_EQ(verdict.primary->code, 10000);
}

TEST(Classifier, A10000OnAWorkerPreviewIsTheTokensRole) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
      "(/accounts/a/workers/workers/mailer/previews) failed.\n\n"
      "  Authentication error [code: 10000]\n");
  EXPECT_EQ(class_of(verdict), "authorization");
  EXPECT_EQ(id_of(verdict), "workers-previews-auth-permission");
}

TEST(Classifier, FailureSignalsWithoutAMessageAreUnknownNeverOk) {
  for (const std::string& signal : std::vector<std::string>{
           "npm ERR! code ELIFECYCLE", " ELIFECYCLE  Command failed with exit code 1.",
           "ERROR  run failed: command  exited (1)", "##[error]Process completed with exit code 1.",
           "Error: The process '/usr/bin/npx' failed with exit code 1",
           "Failed: error occurred while running deploy command", "deploy-1 exited with code 1"}) {
    Verdict verdict = classify("Building...\nError: something odd happened\n" + signal + "\n");
    EXPECT_FALSE(verdict.ok) << signal;
    EXPECT_EQ(class_of(verdict), "unknown") << signal;
    EXPECT_EQ(verdict.primary->evidence, "Error: something odd happened") << signal;
  }
}

TEST(Classifier, AStepKnownToHaveFailedIsNeverOk) {
  EXPECT_TRUE(classify("Uploaded lab-worker (0.19 sec)\n").ok);
  Verdict verdict = classify_failed("Uploaded lab-worker (0.19 sec)\n");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(class_of(verdict), "unknown");
  EXPECT_EQ(verdict.primary->evidence, "Uploaded lab-worker (0.19 sec)");
}

TEST(Classifier, ARetryThatSucceededIsOkAndKeepsTheEarlierFailureAsAWarning) {
  std::string log =
      "==> deploy attempt 1/3\n"
      "\xE2\x9C\x98 [ERROR] Received a malformed response from the API\n"
      "==> attempt 1 failed, retrying in 10s\n"
      "==> deploy attempt 2/3\n"
      "\xE2\x9C\xA8 Success! Uploaded 4 files (84 already uploaded) (2.07 sec)\n"
      "\xE2\x9C\xA8 Deployment complete! Take a peek over at https://1a2b.site.pages.dev\n";
  Verdict verdict = classify(with_timestamps(log));
  EXPECT_TRUE(verdict.ok);
  EXPECT_FALSE(verdict.primary);
  EXPECT_TRUE(verdict.others.empty());
  ASSERT_EQ(verdict.warnings.size(), 1u);
  EXPECT_EQ(verdict.warnings[0].line, 2u);
  EXPECT_NE(verdict.warnings[0].text.find("Received a malformed response"), std::string::npos);
}

TEST(Classifier, ARetryIsNotRecoveryUntilALaterAttemptSucceeds) {
  std::string failed_twice =
      "attempt 1/2\n" + k_incident + "\nRetrying in 5s\nattempt 2/2\n" + k_incident + "\n";
  EXPECT_EQ(class_of(classify(failed_twice + "Current Version ID: 1234\n")), "authorization");
  // The success line must follow the retry: a deploy that succeeded before the error is not.
  EXPECT_EQ(class_of(classify("attempt 1/1\nCurrent Version ID: 1234\n" + k_incident + "\n")),
            "authorization");
  // A success without a retry in between does not undo an error.
  EXPECT_EQ(class_of(classify(k_incident + "\nCurrent Version ID: 1234\n")), "authorization");
  // A failure signal after the success line, e.g. another task of the run failing.
  EXPECT_FALSE(classify(k_incident + "\nattempt 2\nCurrent Version ID: 1234\n"
                                     " ELIFECYCLE  Command failed with exit code 1.\n")
                   .ok);
  std::string recovered = k_incident + "\nRetrying in 5s\nCurrent Version ID: 1234\n";
  EXPECT_TRUE(classify(recovered).ok);
  EXPECT_FALSE(classify_failed(recovered).ok);
}

TEST(Classifier, ARetryActionsFailedAttemptThenASuccessIsOk) {
  // nick-fields/retry names the attempt that failed, not the one it starts.
  std::string log = k_incident +
                    "\nWarning: Attempt 1 failed. Reason: Child_process exited with error code 1\n"
                    "Current Version ID: 1234\n";
  EXPECT_TRUE(classify(log).ok);
}

TEST(Classifier, AnotherCommandsSuccessAfterAnAttemptingLineIsNoRecovery) {
  // One database failed; the script then says it is attempting the next, which has nothing
  // to apply. No attempt was repeated, so the failure stands.
  std::string log =
      "Applying migrations to production\n"
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
      "(/accounts/a/d1/database/b/query) failed.\n"
      "  no such table: users: SQLITE_ERROR [code: 7500]\n"
      "Attempting the staging database (attempt 1/3)\n"
      "\xE2\x9C\x85 No migrations to apply!\n";
  Verdict verdict = classify(log);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.primary->code, 7500);
}

TEST(Classifier, WeakEvidenceStaysUnknown) {
  // An error-looking line with no code and no catalogue phrase names no class.
  Verdict verdict = classify_failed("Error: Cannot read properties of undefined (reading 'map')\n");
  EXPECT_EQ(class_of(verdict), "unknown");
}

// A 7403 on a Pages path is about Pages Edit, not the generic "some product" advice.
TEST(Classifier, APages7403NamesCloudflarePagesEdit) {
  Verdict verdict = classify(wrangler_fixture("pages-deploy-7403"));
  ASSERT_TRUE(verdict.primary);
  EXPECT_EQ(verdict.primary->entry->id, "pages-permission-denied");
  EXPECT_EQ(verdict.primary->resource,
            "/accounts/0123456789abcdef0123456789abcdef/pages/projects/lab-site/upload-token");
  EXPECT_EQ(verdict.primary->entry->permissions,
            std::vector<std::string>{"Account \xE2\x80\xBA Cloudflare Pages \xE2\x80\xBA Edit"});
}

// The deploy stage failed after the upload: the log line wrangler fetched names the exception.
TEST(Classifier, AFunctionThatThrowsAtStartupIsAPagesFunctionsFailure) {
  Verdict verdict = classify(wrangler_fixture("pages-deploy-function-startup-error"));
  ASSERT_TRUE(verdict.primary);
  EXPECT_EQ(verdict.primary->entry->id, "pages-function-startup-error");
}

// An "unknown error" while publishing the Function is not the Function's own fault.
TEST(Classifier, AnUnknownErrorPublishingAFunctionIsNotCalledACodeError) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Deployment failed!\n\n"
      "  \tFailed to publish your Function. Got error: An unknown error has occurred.\n");
  ASSERT_TRUE(verdict.primary);
  EXPECT_NE(verdict.primary->entry->id, "pages-function-startup-error");
}

TEST(Classifier, AnUnbundledWorkerJsImportIsAConfigFailure) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] _worker.js is not being bundled by Wrangler but it is importing from "
      "another file.\n\n  This will throw an error if deployed.\n");
  ASSERT_TRUE(verdict.primary);
  EXPECT_EQ(verdict.primary->entry->id, "pages-worker-js-unbundled-import");
}

TEST(Classifier, AnInvalidRoutesJsonIsAConfigFailure) {
  Verdict verdict = classify(
      "\xE2\x9C\x98 [ERROR] Invalid _routes.json file found at: dist/_routes.json\n"
      "  All rules must start with '/'.\n");
  ASSERT_TRUE(verdict.primary);
  EXPECT_EQ(verdict.primary->entry->id, "pages-routes-json-invalid");
}

TEST(Classifier, PagesAccountCodesAreNamed) {
  struct Case {
    const char* line;
    const char* id;
  };
  for (const Case& c : {
           Case{"  Your user email must been verified [code: 8000077]",
                "account-email-unverified-code"},
           Case{"  Your Cloudflare account has been blocked. Contact abusereply@cloudflare.com. "
                "[code: 8000036]",
                "pages-account-blocked"},
           Case{"  A project with this name already exists. Choose a different project name. "
                "[code: 8000002]",
                "pages-project-name-taken"},
       }) {
    Verdict verdict = classify(
        "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/abc/pages/projects) "
        "failed.\n\n" +
        std::string(c.line) + "\n");
    ASSERT_TRUE(verdict.primary) << c.line;
    EXPECT_EQ(verdict.primary->entry->id, c.id) << c.line;
  }
}

struct RecordedCase {
  const char* fixture;
  const char* failure_class;  // "ok" for success
  std::optional<int> code;
};

void PrintTo(const RecordedCase& c, std::ostream* os) { *os << c.fixture; }

class RecordedWranglerOutput : public ::testing::TestWithParam<RecordedCase> {};

TEST_P(RecordedWranglerOutput, IsClassifiedAsExpected) {
  const RecordedCase& c = GetParam();
  Verdict verdict = classify(wrangler_fixture(c.fixture));
  EXPECT_EQ(class_of(verdict), c.failure_class);
  if (verdict.primary) {
    EXPECT_EQ(verdict.primary->code, c.code);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RecordedWranglerOutput,
    ::testing::Values(RecordedCase{"d1-apply-ok", "ok", std::nullopt},
                      RecordedCase{"d1-apply-7403", "authorization", 7403},
                      RecordedCase{"d1-apply-7403-on-migration", "authorization", 7403},
                      RecordedCase{"d1-apply-10000", "authorization", 10000},
                      RecordedCase{"d1-apply-429-971", "rate_limit", 971},
                      RecordedCase{"d1-apply-429-text-1015", "rate_limit", std::nullopt},
                      RecordedCase{"d1-apply-500-10013", "transient", 10013},
                      RecordedCase{"d1-apply-502-html", "transient", std::nullopt},
                      RecordedCase{"d1-apply-conn-refused", "network", std::nullopt},
                      RecordedCase{"d1-apply-no-token", "authentication", std::nullopt},
                      RecordedCase{"d1-apply-remote-sql-error", "migration_sql", 7500},
                      RecordedCase{"d1-local-broken", "migration_sql", std::nullopt},
                      RecordedCase{"deploy-ok", "ok", std::nullopt},
                      RecordedCase{"deploy-upload-7403", "authorization", 7403},
                      RecordedCase{"deploy-upload-10000", "authentication", 10000},
                      RecordedCase{"deploy-upload-500-then-ok", "ok", std::nullopt},
                      RecordedCase{"versions-upload-ok", "ok", std::nullopt},
                      RecordedCase{"versions-upload-7403", "authorization", 7403},
                      RecordedCase{"pages-deploy-ok", "ok", std::nullopt},
                      RecordedCase{"pages-deploy-project-not-found", "not_found", 8000007},
                      RecordedCase{"pages-deploy-7403", "authorization", 7403},
                      RecordedCase{"pages-deploy-upload-500-then-ok", "ok", std::nullopt},
                      RecordedCase{"pages-deploy-upload-500", "transient", 8000000},
                      RecordedCase{"pages-deploy-function-startup-error", "config", std::nullopt}),
    [](const ::testing::TestParamInfo<RecordedCase>& param_info) {
      // "d1-apply-7403" -> "D1Apply7403": test names carry no underscores.
      std::string name;
      bool upper = true;
      for (const char* p = param_info.param.fixture; *p; ++p) {
        if (*p == '-') {
          upper = true;
          continue;
        }
        name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*p))) : *p;
        upper = false;
      }
      return name;
    });

}  // namespace
}  // namespace cfdeploy
