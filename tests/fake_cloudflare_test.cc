// The fake Cloudflare API's per-token rate limit, over real HTTP: what the benchmark of
// parallel deploys (bench/parallel-deploys) relies on it to refuse, and when.
#include "fake_cloudflare.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using testing::FakeCloudflare;

const char* const k_ok_rules =
    R"({"rules": [{"path": "/client/v4/**", "json": {"success": true, "result": {}}}]})";

std::unique_ptr<FakeCloudflare> limited_to(int requests, milliseconds window) {
  auto fake = std::make_unique<FakeCloudflare>(nlohmann::ordered_json::parse(k_ok_rules));
  fake->limit_rate(testing::RateLimit{requests, window});
  fake->start();
  return fake;
}

httplib::Result get_with(FakeCloudflare& fake, const std::string& token) {
  httplib::Client client("127.0.0.1", fake.port());
  httplib::Headers headers;
  if (!token.empty()) {
    headers.emplace("Authorization", "Bearer " + token);
  }
  return client.Get("/client/v4/user/tokens/verify", headers);
}

TEST(FakeCloudflareRateLimit, RefusesPastTheBucketWith429Code971AndRetryAfter) {
  auto limited = limited_to(3, std::chrono::seconds(60));
  FakeCloudflare& fake = *limited;
  for (int i = 0; i < 3; ++i) {
    auto answer = get_with(fake, "token-a");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200) << "request " << i;
  }
  auto refused = get_with(fake, "token-a");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  auto body = nlohmann::json::parse(refused->body);
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["errors"][0]["code"], 971);
  // One request comes back every 20 s.
  int retry_after = std::stoi(refused->get_header_value("Retry-After"));
  EXPECT_GE(retry_after, 19);
  EXPECT_LE(retry_after, 20);
  EXPECT_EQ(fake.stats().requests, 4u);
  EXPECT_EQ(fake.stats().refused, 1u);
  EXPECT_EQ(fake.requests().back().status, 429);
}

TEST(FakeCloudflareRateLimit, EachTokenHasItsOwnBucketAndRequestsWithoutOneAreFree) {
  auto limited = limited_to(1, std::chrono::seconds(60));
  FakeCloudflare& fake = *limited;
  EXPECT_EQ(get_with(fake, "token-a")->status, 200);
  EXPECT_EQ(get_with(fake, "token-a")->status, 429);
  EXPECT_EQ(get_with(fake, "token-b")->status, 200);
  EXPECT_EQ(get_with(fake, "")->status, 200);
  EXPECT_EQ(get_with(fake, "")->status, 200);
  EXPECT_EQ(fake.stats().refused, 1u);
}

TEST(FakeCloudflareRateLimit, TheBucketRefillsOverTheWindowAndRefusalsDoNotDrainIt) {
  auto limited = limited_to(2, milliseconds(200));
  FakeCloudflare& fake = *limited;
  EXPECT_EQ(get_with(fake, "token-a")->status, 200);
  EXPECT_EQ(get_with(fake, "token-a")->status, 200);
  // Sent at once, the third finds the bucket empty (one request is back after 100 ms).
  auto third = get_with(fake, "token-a");
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_EQ(get_with(fake, "token-a")->status, 200);
  if (third->status == 429) {
    EXPECT_EQ(third->get_header_value("Retry-After"), "1");  // whole seconds, at least 1
  }
}

TEST(FakeCloudflareRateLimit, WithoutALimitNothingIsRefused) {
  FakeCloudflare fake(nlohmann::ordered_json::parse(k_ok_rules));
  fake.start();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(get_with(fake, "token-a")->status, 200);
  }
  EXPECT_EQ(fake.stats().refused, 0u);
}

TEST(FakeCloudflareRateLimit, ParsesRequestsPerSecondsAndRejectsAnythingElse) {
  testing::RateLimit limit = testing::parse_rate_limit("60/10");
  EXPECT_EQ(limit.requests, 60);
  EXPECT_EQ(limit.window, std::chrono::seconds(10));
  for (const char* bad :
       {"", "60", "60/", "/10", "0/10", "60/0", "6x/10", "60/10/2", "-1/10", "99999999999/10"}) {
    EXPECT_THROW(testing::parse_rate_limit(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace cfdeploy
