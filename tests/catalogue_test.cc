#include "catalogue.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace cfdeploy {
namespace {

const Catalogue& builtin() { return builtin_catalogue(); }

const CatalogueEntry* lookup(std::optional<int> code, std::string resource, std::string text,
                             std::optional<int> status = std::nullopt) {
  return builtin().best_match(ErrorFacts{code, std::move(resource), status, std::move(text)});
}

std::string class_for(std::optional<int> code, std::string resource, std::string text,
                      std::optional<int> status = std::nullopt) {
  const CatalogueEntry* entry = lookup(code, std::move(resource), std::move(text), status);
  return entry ? std::string(to_string(entry->failure_class)) : "none";
}

std::string error_for(const std::string& json_text) {
  Result<Catalogue> result = Catalogue::from_json(json_text);
  return result ? "" : result.error().message();
}

const char* k_valid_entry = R"({"id": "x-one", "codes": [1], "class": "transient",
  "retryable": true, "title": "T", "guidance": ["g"], "permissions": [],
  "docs": "https://example.test/"})";

TEST(Catalogue, BuiltinCatalogueHasAtLeastFortyEntries) {
  EXPECT_GE(builtin().entries().size(), 40u);
}

TEST(Catalogue, EveryBuiltinEntryIsComplete) {
  for (const CatalogueEntry& entry : builtin().entries()) {
    SCOPED_TRACE(entry.id);
    EXPECT_FALSE(entry.title.empty());
    EXPECT_FALSE(entry.guidance.empty());
    EXPECT_EQ(entry.docs.rfind("https://", 0), 0u);
    EXPECT_NE(entry.failure_class, FailureClass::unknown);
    EXPECT_TRUE(!entry.codes.empty() || !entry.match.empty());
    for (const std::string& step : entry.guidance) {
      EXPECT_FALSE(step.empty());
    }
  }
}

TEST(Catalogue, OnlyAuthenticationAndAuthorizationAreCredentialClasses) {
  for (FailureClass failure_class : all_failure_classes()) {
    bool expected = failure_class == FailureClass::authentication ||
                    failure_class == FailureClass::authorization;
    EXPECT_EQ(is_credential_class(failure_class), expected) << to_string(failure_class);
  }
}

TEST(Catalogue, BuiltinIdsAreUnique) {
  // Checked on the raw JSON too, independently of the loader.
  nlohmann::json raw = nlohmann::json::parse(builtin_catalogue_json());
  std::set<std::string> ids;
  for (const auto& item : raw["entries"]) {
    EXPECT_TRUE(ids.insert(item["id"].get<std::string>()).second) << item["id"];
  }
  EXPECT_EQ(ids.size(), builtin().entries().size());
}

TEST(Catalogue, OnlyRateLimitsTransientAndNetworkErrorsAreRetried) {
  for (const CatalogueEntry& entry : builtin().entries()) {
    bool may_retry = entry.failure_class == FailureClass::rate_limit ||
                     entry.failure_class == FailureClass::transient ||
                     entry.failure_class == FailureClass::network;
    EXPECT_TRUE(may_retry || !entry.retryable) << entry.id;
  }
}

TEST(Catalogue, EveryClassHasAnEntry) {
  std::set<FailureClass> used;
  for (const CatalogueEntry& entry : builtin().entries()) {
    used.insert(entry.failure_class);
  }
  for (FailureClass failure_class : all_failure_classes()) {
    if (failure_class != FailureClass::unknown) {
      EXPECT_TRUE(used.count(failure_class)) << to_string(failure_class);
    }
  }
}

TEST(Catalogue, D1PermissionErrorNamesD1Edit) {
  const CatalogueEntry* entry =
      lookup(7403, "/accounts/***/d1/database/***/query", "not authorized [code: 7403]");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->failure_class, FailureClass::authorization);
  std::string guidance;
  for (const std::string& step : entry->guidance) {
    guidance += step + "\n";
  }
  EXPECT_NE(guidance.find("D1"), std::string::npos);
  EXPECT_NE(guidance.find("CLOUDFLARE_API_TOKEN"), std::string::npos);
  EXPECT_NE(std::find(entry->permissions.begin(), entry->permissions.end(),
                      "Account \xE2\x80\xBA D1 \xE2\x80\xBA Edit"),
            entry->permissions.end());
}

TEST(Catalogue, A10000OnD1LeadsWithTheMissingD1Permission) {
  // The threads behind it were tokens without D1 (the Workers template has
  // none); a token Cloudflare no longer accepts comes second.
  const CatalogueEntry* entry =
      lookup(10000, "/accounts/a/d1/database/b/query", "Authentication error [code: 10000]");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->id, "d1-auth-permission");
  EXPECT_EQ(entry->failure_class, FailureClass::authorization);
  EXPECT_NE(entry->guidance.front().find("D1 \xE2\x80\xBA Edit"), std::string::npos);
  EXPECT_EQ(class_for(10000, "/accounts/a/workers/scripts/w", "Authentication error"),
            "authentication");
}

TEST(Catalogue, TheSameCodeMeansDifferentThingsPerProduct) {
  EXPECT_EQ(class_for(7500, "/accounts/a/d1/database/b/query",
                      "no such table: users: SQLITE_ERROR [code: 7500]"),
            "migration_sql");
  EXPECT_EQ(class_for(7500, "/accounts/a/d1/database/b/query",
                      "internal error; reference = abc [code: 7500]"),
            "transient");
  EXPECT_EQ(class_for(10013, "/accounts/a/workers/scripts/w", "workers.api.error.unknown"),
            "transient");
  EXPECT_EQ(class_for(10013, "/accounts/a/storage/kv/namespaces/n", "namespace not found"),
            "not_found");
  EXPECT_NE(lookup(10007, "/accounts/a/r2/buckets/b/objects/k", "NoSuchKey"),
            lookup(10007, "/accounts/a/workers/services/w", "script not found"));
}

TEST(Catalogue, AFullD1DatabaseIsAQuotaNotAServerError) {
  EXPECT_EQ(lookup(7500, "/accounts/a/d1/database/b/query",
                   "D1_ERROR: Exceeded maximum DB size [code: 7500]")
                ->id,
            "d1-database-size-limit");
  EXPECT_EQ(class_for(7500, "/accounts/a/d1/database/b/query",
                      "D1_ERROR: Exceeded maximum DB size [code: 7500]"),
            "quota");
  EXPECT_FALSE(
      lookup(7500, "/accounts/a/d1/database/b/query", "Exceeded maximum DB size")->retryable);
}

TEST(Catalogue, AMissingBucketOfAWorkerBindingIsNotFound) {
  for (const char* message : {"workers.api.error.bucket_not_found",
                              "R2 bucket 'r2cache' not found. Please use a different name and "
                              "try again."}) {
    EXPECT_EQ(lookup(10085, "/accounts/a/workers/scripts/w", message)->id,
              "workers-binding-bucket-not-found")
        << message;
  }
  EXPECT_EQ(class_for(10085, "/accounts/a/workers/scripts/w", "workers.api.error.bucket_not_found"),
            "not_found");
}

std::string id_for(std::optional<int> code, std::string resource, std::string text) {
  const CatalogueEntry* entry = lookup(code, std::move(resource), std::move(text));
  return entry ? entry->id : "none";
}

TEST(Catalogue, HyperdriveOriginCredentialsAreConfigNotTheApiToken) {
  // 2013 is the origin database's password; authentication would send the
  // user to the Cloudflare token, which works.
  EXPECT_EQ(class_for(2013, "/accounts/a/hyperdrive/configs", "Invalid database credentials."),
            "config");
  EXPECT_EQ(class_for(2008, "/accounts/a/hyperdrive/configs/c", "Bad hostname."), "config");
  EXPECT_EQ(class_for(2011, "/accounts/a/hyperdrive/configs", "Connection refused."), "config");
  // The same numbers elsewhere are not Hyperdrive's.
  EXPECT_EQ(lookup(2013, "/accounts/a/workers/scripts/w", "Invalid database credentials."),
            nullptr);
}

TEST(Catalogue, Code10002IsAWorkersServerErrorButR2sUnauthorized) {
  EXPECT_EQ(id_for(10002, "/accounts/a/workers/scripts/w", "workers.api.error.internal_server"),
            "workers-internal-server-error");
  EXPECT_EQ(class_for(10002, "/accounts/a/workers/scripts/w", "workers.api.error.internal_server"),
            "transient");
  EXPECT_TRUE(lookup(10002, "/accounts/a/workers/scripts/w", "")->retryable);
  EXPECT_EQ(id_for(10002, "/accounts/a/r2/buckets/b", "Unauthorized"), "r2-unauthorized");
  EXPECT_EQ(class_for(10002, "/accounts/a/r2/buckets/b", "Unauthorized"), "authentication");
}

TEST(Catalogue, QueuesCodesByMeaning) {
  EXPECT_EQ(class_for(10104, "/accounts/a/queues/q/messages", "Queue does not exist"), "not_found");
  EXPECT_EQ(class_for(11000, "/accounts/a/queues", "queue_not_found"), "not_found");
  EXPECT_EQ(id_for(11004, "/accounts/a/queues/q/consumers", "workers.api.error.consumer_exists"),
            "queues-consumer-exists");
  EXPECT_EQ(class_for(11001, "/accounts/a/queues/q/consumers", "queue handler is missing"),
            "config");
  EXPECT_EQ(class_for(std::nullopt, "",
                      "Queue \"jobs\" does not exist. To create it, run: wrangler queues create "
                      "jobs"),
            "not_found");
}

TEST(Catalogue, VectorizeCodesNeedTheVectorizePath) {
  EXPECT_EQ(class_for(1005, "/accounts/a/vectorize/indexes", "vectorize.not_entitled"), "account");
  EXPECT_EQ(lookup(1005, "/accounts/a/workers/scripts/w", "vectorize.not_entitled"), nullptr);
  EXPECT_EQ(class_for(40026, "/accounts/a/vectorize/v2/indexes/i/metadata_index/create",
                      "Expected request with `Content-Type: application/json`"),
            "config");
}

TEST(Catalogue, ACustomDomainOverExistingDnsRecordsIsConfig) {
  EXPECT_EQ(class_for(100117, "/accounts/a/workers/domains/records",
                      "Hostname 'api.example.com' already has externally managed DNS records (A, "
                      "CNAME, etc)."),
            "config");
}

TEST(Catalogue, AStartupMessageWithCode10021GetsItsOwnGuidance) {
  const std::string path = "/accounts/a/workers/scripts/w/versions";
  EXPECT_EQ(id_for(10021, path, "No such compatibility flag: rpc_params_dup_stubs"),
            "workers-compat-flag-unknown-code");
  EXPECT_EQ(id_for(10021, path, "Can't set compatibility date in the future: 2030-06-05"),
            "workers-compat-date-future-code");
  EXPECT_EQ(id_for(10021, path, "Uncaught ReferenceError: global is not defined"),
            "workers-startup-uncaught-exception");
  EXPECT_EQ(id_for(10021, path, "Uncaught Error: No such module \"stream\"."),
            "workers-startup-uncaught-exception");
  EXPECT_EQ(id_for(10021, path, "Script startup exceeded CPU time limit."),
            "workers-startup-limit-code");
  EXPECT_EQ(id_for(10021, path, "binding DB of type d1 must have a valid `id` specified"),
            "workers-validation-d1-placeholder");
  EXPECT_EQ(id_for(10021, path, "something else entirely"), "workers-validation-error");
  // Without the code an uncaught exception may be a local test run.
  EXPECT_EQ(lookup(std::nullopt, "", "Uncaught ReferenceError: global is not defined"), nullptr);
}

TEST(Catalogue, EsbuildsOwnMessageOutranksTheBuildFailedWrapper) {
  EXPECT_EQ(id_for(std::nullopt, "",
                   "Build failed with 1 error: src/index.ts:2:9: ERROR: No matching export in "
                   "\"src/lib/db.ts\" for import \"getDb\""),
            "esbuild-no-matching-export");
  EXPECT_EQ(
      id_for(std::nullopt, "", "Build failed with 1 error: Could not resolve \"node:crypto\""),
      "esbuild-could-not-resolve");
  EXPECT_EQ(id_for(std::nullopt, "", "Build failed with 2 errors:"), "wrangler-build-failed");
}

TEST(Catalogue, MalformedResponsesAreClassifiedByStatus) {
  EXPECT_EQ(class_for(std::nullopt, "/accounts/a/d1/database/b/query",
                      "Received a malformed response from the API", 429),
            "rate_limit");
  EXPECT_EQ(class_for(std::nullopt, "/accounts/a/d1/database/b/query",
                      "Received a malformed response from the API", 502),
            "transient");
}

TEST(Catalogue, WranglerOnesInvalidUserConfigurationIsAuthentication) {
  for (const char* message :
       {"Error: Your user configuration is invalid, please run wrangler config and enter a new set "
        "of credentials.",
        "Error: Your user configuration is invalid, please run wrangler login or wrangler config "
        "and enter a new set of credentials."}) {
    EXPECT_EQ(lookup(std::nullopt, "", message)->id, "auth-wrangler1-user-config-invalid")
        << message;
  }
}

TEST(Catalogue, TheWorkersDevOnboardingBoxIsAnAccountSetupStep) {
  const char* message =
      "You can either deploy your worker to one or more routes by specifying them in your "
      "wrangler.toml file, or register a workers.dev subdomain here:";
  EXPECT_EQ(lookup(std::nullopt, "", message)->id, "account-workers-subdomain-missing");
  EXPECT_EQ(class_for(std::nullopt, "", message), "account");
}

TEST(Catalogue, WranglerMessagesWithoutACode) {
  EXPECT_EQ(class_for(std::nullopt, "",
                      "In a non-interactive environment, it's necessary to set a "
                      "CLOUDFLARE_API_TOKEN environment variable for wrangler to work."),
            "authentication");
  EXPECT_EQ(class_for(std::nullopt, "",
                      "More than one account available but unable to select one in "
                      "non-interactive mode."),
            "account");
  EXPECT_EQ(class_for(std::nullopt, "",
                      "Couldn't find a D1 DB with the name or binding 'x' in your wrangler.toml "
                      "file."),
            "config");
  EXPECT_EQ(class_for(std::nullopt, "", "fetch failed"), "network");
  EXPECT_EQ(class_for(std::nullopt, "", "getaddrinfo ENOTFOUND api.cloudflare.com"), "network");
}

TEST(Catalogue, NothingMatchesAnUnrelatedMessage) {
  EXPECT_EQ(lookup(std::nullopt, "", "the weather is fine today"), nullptr);
}

TEST(Catalogue, MostSpecificEntryWinsRegardlessOfOrder) {
  std::string json = R"({"entries": [
    {"id": "generic", "codes": [7500], "class": "transient", "retryable": true, "title": "G",
     "guidance": ["g"], "docs": "https://example.test/"},
    {"id": "text-only", "match": ["sqlite_"], "class": "migration_sql", "title": "T",
     "guidance": ["g"], "docs": "https://example.test/"},
    {"id": "specific", "codes": [7500], "match": ["SQLITE_"], "class": "migration_sql",
     "title": "S", "guidance": ["g"], "docs": "https://example.test/"}]})";
  Result<Catalogue> catalogue = Catalogue::from_json(json);
  ASSERT_TRUE(catalogue.ok()) << catalogue.error().message();
  EXPECT_EQ(catalogue.value().best_match({7500, "", {}, "x: SQLITE_ERROR"})->id, "specific");
  EXPECT_EQ(catalogue.value().best_match({7500, "", {}, "internal error"})->id, "generic");
  EXPECT_EQ(catalogue.value().best_match({{}, "", {}, "x: sqlite_error"})->id, "text-only");
}

TEST(Catalogue, RejectsADuplicateIdAndNamesIt) {
  std::string json = std::string(R"({"entries": [)") + k_valid_entry + "," + k_valid_entry + "]}";
  std::string error = error_for(json);
  EXPECT_NE(error.find("entry 2 ('x-one')"), std::string::npos) << error;
  EXPECT_NE(error.find("duplicate id"), std::string::npos) << error;
}

TEST(Catalogue, RejectsARetryablePermissionError) {
  std::string json = R"({"entries": [{"id": "x", "codes": [7403], "class": "authorization",
    "retryable": true, "title": "T", "guidance": ["g"], "docs": "https://example.test/"}]})";
  EXPECT_NE(error_for(json).find("retryable"), std::string::npos);
}

TEST(Catalogue, RejectsAnEntryWithNeitherCodesNorMatch) {
  std::string json = R"({"entries": [{"id": "x", "class": "config", "title": "T",
    "guidance": ["g"], "docs": "https://example.test/"}]})";
  EXPECT_NE(error_for(json).find("needs 'match'"), std::string::npos);
}

TEST(Catalogue, RejectsAnUnknownClassAndMissingGuidance) {
  EXPECT_NE(error_for(R"({"entries": [{"id": "x", "codes": [1], "class": "oops", "title": "T",
    "guidance": ["g"], "docs": "https://example.test/"}]})")
                .find("'class'"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"entries": [{"id": "x", "codes": [1], "class": "quota", "title": "T",
    "guidance": [], "docs": "https://example.test/"}]})")
                .find("'guidance'"),
            std::string::npos);
}

TEST(Catalogue, RejectsFieldsOfTheWrongType) {
  std::string error = error_for(R"({"entries": [{"id": "x", "codes": "7403"}]})");
  EXPECT_NE(error.find("wrong type"), std::string::npos) << error;
}

TEST(Catalogue, RejectsTextThatIsNotACatalogue) {
  EXPECT_FALSE(error_for("{not json").empty());
  EXPECT_FALSE(error_for(R"({"entries": {}})").empty());
}

TEST(Catalogue, ClassNamesRoundTrip) {
  for (FailureClass failure_class : all_failure_classes()) {
    EXPECT_EQ(parse_failure_class(to_string(failure_class)), failure_class);
  }
  EXPECT_EQ(parse_failure_class("auth"), std::nullopt);
}

TEST(Catalogue, A7403OnARestoreIsTheTimeTravelPermissionAndElsewhereTheD1One) {
  const std::string restore =
      "/accounts/a/d1/database/b/time_travel/restore?bookmark=00000085-0000024c";
  EXPECT_EQ(lookup(7403, restore, "not authorized [code: 7403]")->id,
            "d1-time-travel-permission-denied");
  EXPECT_EQ(lookup(7403, "/accounts/a/d1/database/b/query", "not authorized [code: 7403]")->id,
            "d1-permission-denied");
}

TEST(Catalogue, TimeTravelInputErrorsAreConfigEntriesOfTheirOwn) {
  EXPECT_EQ(lookup({}, "",
                   "Invalid timestamp '1690000000'. Please provide a timestamp within the last 30 "
                   "days")
                ->id,
            "d1-time-travel-too-old");
  EXPECT_EQ(lookup({}, "", "Provide either a timestamp or a bookmark")->id,
            "d1-time-travel-invalid-bookmark");
  EXPECT_EQ(class_for({}, "",
                      "Invalid timestamp 'soon'. Please provide a valid Unix timestamp or "
                      "ISO string, for example: 2026-08-03T09:12:44.201+00:00"),
            "config");
}
}  // namespace
}  // namespace cfdeploy
