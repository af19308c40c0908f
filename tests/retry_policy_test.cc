#include "retry_policy.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

FailedAttempt transient(int number) {
  FailedAttempt attempt;
  attempt.number = number;
  attempt.retryable = true;
  attempt.class_name = "transient";
  return attempt;
}

TEST(RetryPolicy, NeverRetriesAFailureTheCatalogueCallsFinal) {
  FailedAttempt attempt;
  attempt.retryable = false;
  attempt.class_name = "authorization";
  RetryDecision decision = decide_retry(RetryPolicy{}, attempt, 0.5);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("authorization"), std::string::npos);
}

TEST(RetryPolicy, BacksOffExponentiallyWithJitter) {
  RetryPolicy policy;
  policy.max_retries = 5;
  EXPECT_EQ(decide_retry(policy, transient(1), 0.5).delay, milliseconds(2000));
  EXPECT_EQ(decide_retry(policy, transient(2), 0.5).delay, milliseconds(4000));
  EXPECT_EQ(decide_retry(policy, transient(3), 0.5).delay, milliseconds(8000));
  EXPECT_EQ(decide_retry(policy, transient(1), 0.0).delay, milliseconds(1500));
  EXPECT_EQ(decide_retry(policy, transient(1), 0.999).delay.count() / 100, 24);
}

TEST(RetryPolicy, CapsTheBackoff) {
  RetryPolicy policy;
  policy.max_retries = 20;
  EXPECT_EQ(decide_retry(policy, transient(15), 0.5).delay, policy.max_delay);
}

TEST(RetryPolicy, StopsAfterTheConfiguredRetries) {
  RetryPolicy policy;
  policy.max_retries = 2;
  EXPECT_TRUE(decide_retry(policy, transient(2), 0.5).retry);
  RetryDecision decision = decide_retry(policy, transient(3), 0.5);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("all 3 attempts"), std::string::npos) << decision.reason;
}

TEST(RetryPolicy, ZeroRetriesMeansOneAttempt) {
  RetryPolicy policy;
  policy.max_retries = 0;
  EXPECT_FALSE(decide_retry(policy, transient(1), 0.5).retry);
}

TEST(RetryPolicy, HonoursALongerRetryAfter) {
  FailedAttempt attempt = transient(1);
  attempt.retry_after = milliseconds(30000);
  RetryDecision decision = decide_retry(RetryPolicy{}, attempt, 0.5);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, milliseconds(30000));
}

TEST(RetryPolicy, GivesUpWhenRetryAfterIsLongerThanWeWait) {
  FailedAttempt attempt = transient(1);
  attempt.retry_after = milliseconds(900000);
  EXPECT_FALSE(decide_retry(RetryPolicy{}, attempt, 0.5).retry);
}

TEST(RetryPolicy, NeverWaitsPastTheDeadline) {
  FailedAttempt attempt = transient(1);
  attempt.time_left = milliseconds(1000);
  RetryDecision decision = decide_retry(RetryPolicy{}, attempt, 0.5);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("--timeout"), std::string::npos);
}

TEST(RetryPolicy, StartsNoAttemptThatTheDeadlineWouldCutOff) {
  FailedAttempt attempt = transient(1);
  attempt.duration = milliseconds(30000);
  attempt.time_left = milliseconds(31000);  // the 2 s wait fits, another 30 s attempt does not
  RetryDecision decision = decide_retry(RetryPolicy{}, attempt, 0.5);
  EXPECT_FALSE(decision.retry);
  EXPECT_NE(decision.reason.find("31.0 s of the --timeout is left"), std::string::npos)
      << decision.reason;
  EXPECT_NE(decision.reason.find("as long as this one (30.0 s)"), std::string::npos)
      << decision.reason;
  attempt.time_left = milliseconds(32500);
  EXPECT_TRUE(decide_retry(RetryPolicy{}, attempt, 0.5).retry);
}

}  // namespace
}  // namespace cfdeploy
