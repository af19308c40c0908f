#include "wrangler_output.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

TEST(WranglerOutput, ReadsACommandFailedEntry) {
  WranglerOutput output = parse_wrangler_output(
      R"({"version":1,"type":"wrangler-session","wrangler_version":"4.86.0"})"
      "\n"
      R"({"type":"command-failed","version":1,"code":7403,"message":"A request to the Cloudflare API (/accounts/a/d1/database/b/query) failed.","retry_after_ms":1500})"
      "\n");
  EXPECT_TRUE(output.command_failed);
  EXPECT_EQ(output.failed_code, 7403);
  EXPECT_EQ(output.failed_message,
            "A request to the Cloudflare API (/accounts/a/d1/database/b/query) failed.");
  EXPECT_EQ(output.retry_after_ms, 1500);
  EXPECT_EQ(output.entries, 2u);
  EXPECT_EQ(output.wrangler_version, "4.86.0");
}

TEST(WranglerOutput, ALineNestedTooDeepIsUnreadableAndTheRestIsRead) {
  std::string deep =
      R"({"type":"deploy","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  WranglerOutput output = parse_wrangler_output(
      deep + "\n" + R"({"type":"command-failed","version":1,"code":10000,"message":"auth"})");
  EXPECT_EQ(output.unreadable_lines, 1u);
  EXPECT_EQ(output.entries, 1u);
  EXPECT_TRUE(output.command_failed);
  EXPECT_EQ(output.failed_code, 10000);
}

TEST(WranglerOutput, AFailureWithoutACodeHasNone) {
  WranglerOutput output =
      parse_wrangler_output(R"({"type":"command-failed","version":1,"message":"fetch failed"})");
  EXPECT_TRUE(output.command_failed);
  EXPECT_EQ(output.failed_code, std::nullopt);
  EXPECT_EQ(output.retry_after_ms, std::nullopt);
}

TEST(WranglerOutput, TakesTheDeploymentUrlFromTheFirstTarget) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"deploy","version":1,"worker_name":"w","targets":["https://w.sub.workers.dev","https://example.test"]})");
  EXPECT_EQ(output.deployment_url, "https://w.sub.workers.dev");
  EXPECT_FALSE(output.command_failed);
}

TEST(WranglerOutput, TakesAVersionUploadPreviewUrl) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"version-upload","version":1,"preview_url":"https://abc-w.sub.workers.dev"})");
  EXPECT_EQ(output.deployment_url, "https://abc-w.sub.workers.dev");
}

TEST(WranglerOutput, KeepsEveryTargetTheVersionAndTheWorkerName) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"deploy","version":1,"worker_name":"w","version_id":"v-1","targets":["https://w.sub.workers.dev",7,"https://example.test"]})");
  EXPECT_EQ(output.deployment_urls,
            (std::vector<std::string>{"https://w.sub.workers.dev", "https://example.test"}));
  EXPECT_EQ(output.version_id, "v-1");
  EXPECT_EQ(output.worker_name, "w");
  EXPECT_EQ(output.alias_url, "");
}

TEST(WranglerOutput, TakesAVersionUploadAlias) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"version-upload","version":1,"worker_name":"w","version_id":"v-2","preview_url":"https://abc-w.sub.workers.dev","preview_alias_url":"https://pr-3-w.sub.workers.dev"})");
  EXPECT_EQ(output.deployment_urls, (std::vector<std::string>{"https://abc-w.sub.workers.dev"}));
  EXPECT_EQ(output.alias_url, "https://pr-3-w.sub.workers.dev");
  EXPECT_EQ(output.version_id, "v-2");
}

TEST(WranglerOutput, TakesAVersionUploadsVersionId) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"version-upload","version":1,"worker_name":"w","version_id":"11111111-2222-4333-8444-555555555555","preview_url":"https://11111111-w.sub.workers.dev"})");
  EXPECT_EQ(output.version_id, "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(output.deployment_url, "https://11111111-w.sub.workers.dev");
}

TEST(WranglerOutput, TakesADeploysVersionId) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"deploy","version":1,"version_id":"v-1","targets":["https://w.sub.workers.dev"]})");
  EXPECT_EQ(output.version_id, "v-1");
}

// The entry wrangler 4.86.0 wrote for `pages deploy site --branch feature-x` against the fake API.
TEST(WranglerOutput, ReadsAPagesDeploymentsUrlAliasIdAndEnvironment) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"pages-deploy","version":1,"pages_project":"lab-site","deployment_id":"aaaa","url":"https://aaaa.lab-site.pages.dev"})"
      "\n"
      R"({"type":"pages-deploy-detailed","version":1,"pages_project":"lab-site","deployment_id":"aaaa","url":"https://aaaa.lab-site.pages.dev","alias":"https://feature-x.lab-site.pages.dev","environment":"preview","production_branch":"main","deployment_trigger":{"metadata":{"commit_hash":"abc"}}})");
  EXPECT_EQ(output.deployment_url, "https://aaaa.lab-site.pages.dev");
  EXPECT_EQ(output.pages.deployment_id, "aaaa");
  EXPECT_EQ(output.pages.alias_url, "https://feature-x.lab-site.pages.dev");
  EXPECT_EQ(output.pages.environment, "preview");
  EXPECT_FALSE(output.command_failed);
}

// A production deployment has no alias: wrangler leaves the member out.
TEST(WranglerOutput, APagesDeploymentWithoutAnAliasLeavesItEmpty) {
  WranglerOutput output = parse_wrangler_output(
      R"({"type":"pages-deploy-detailed","version":1,"deployment_id":"bbbb","url":"https://bbbb.lab-site.pages.dev","environment":"production","alias":7})");
  EXPECT_EQ(output.pages.alias_url, "");
  EXPECT_EQ(output.pages.environment, "production");
  EXPECT_EQ(output.deployment_url, "https://bbbb.lab-site.pages.dev");
}

TEST(WranglerOutput, SkipsLinesThatAreNotJsonObjects) {
  WranglerOutput output = parse_wrangler_output("not json\n[1,2]\n\n{\"type\":\"other\"}\r\n");
  EXPECT_EQ(output.unreadable_lines, 2u);
  EXPECT_EQ(output.entries, 1u);
}

TEST(WranglerOutput, IgnoresAnEntryWhoseTypeIsNotAString) {
  WranglerOutput output = parse_wrangler_output(
      "{\"type\":null}\n{\"type\":7}\n{\"type\":\"command-failed\",\"code\":10000}\n");
  EXPECT_EQ(output.entries, 3u);
  EXPECT_TRUE(output.command_failed);
  EXPECT_EQ(output.failed_code, 10000);
}

TEST(WranglerOutput, IgnoresARetryDelayOutsideOneDay) {
  for (const char* delay : {"1e300", "-5", "86400001", "\"1500\""}) {
    WranglerOutput output = parse_wrangler_output(
        std::string(R"({"type":"command-failed","retry_after_ms":)") + delay + "}");
    EXPECT_TRUE(output.command_failed) << delay;
    EXPECT_EQ(output.retry_after_ms, std::nullopt) << delay;
  }
  WranglerOutput fractional =
      parse_wrangler_output(R"({"type":"command-failed","retry_after_ms":250.7})");
  EXPECT_EQ(fractional.retry_after_ms, 250);
}

TEST(WranglerOutput, AMissingFileIsEmpty) {
  WranglerOutput output = read_wrangler_output("/nonexistent/wrangler-output.json");
  EXPECT_FALSE(output.command_failed);
  EXPECT_EQ(output.entries, 0u);
}

}  // namespace
}  // namespace cfdeploy
