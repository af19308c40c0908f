#include "retry_policy.h"

#include <algorithm>
#include <utility>

#include "duration_text.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

// Doubles per attempt, capped, then spread over [75 %, 125 %) so parallel
// jobs that failed together do not retry together.
milliseconds backoff(const RetryPolicy& policy, int attempt, double jitter) {
  milliseconds delay = policy.base_delay;
  for (int i = 1; i < attempt && delay < policy.max_delay; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, policy.max_delay);
  auto spread = static_cast<double>(delay.count()) * (0.75 + 0.5 * jitter);
  return milliseconds(static_cast<long>(spread));
}

RetryDecision no(std::string reason) {
  return RetryDecision{false, milliseconds(0), std::move(reason)};
}

}  // namespace

RetryDecision decide_retry(const RetryPolicy& policy, const FailedAttempt& attempt, double jitter) {
  if (!attempt.retryable) {
    return no("not retried: retrying cannot fix " + attempt.class_name + " failures");
  }
  if (attempt.number > policy.max_retries) {
    return no("not retried: all " + std::to_string(policy.max_retries + 1) +
              " attempts were used (--retries " + std::to_string(policy.max_retries) + ")");
  }
  milliseconds delay = backoff(policy, attempt.number, jitter);
  if (attempt.retry_after) {
    if (*attempt.retry_after > policy.max_retry_after) {
      return no("not retried: the API asked to wait " + tenths_text(*attempt.retry_after) +
                ", longer than cfdeploy waits");
    }
    delay = std::max(delay, *attempt.retry_after);
  }
  if (attempt.time_left && delay >= *attempt.time_left) {
    return no("not retried: waiting " + tenths_text(delay) + " would pass the --timeout");
  }
  // An attempt cut off by the deadline spends requests (on a shared rate limit, other
  // steps' too) and would replace the real failure with a timeout.
  if (attempt.time_left && delay + attempt.duration >= *attempt.time_left) {
    return no("not retried: " + seconds_text(*attempt.time_left) +
              " of the --timeout is left, too little for the " + seconds_text(delay) +
              " wait and another attempt as long as this one (" + seconds_text(attempt.duration) +
              ")");
  }
  return RetryDecision{true, delay,
                       "retrying (" + attempt.class_name + " failure) in " + tenths_text(delay) +
                           " (attempt " + std::to_string(attempt.number + 1) + " of " +
                           std::to_string(policy.max_retries + 1) + ")"};
}

}  // namespace cfdeploy
