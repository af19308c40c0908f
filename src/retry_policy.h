// When to run a failed step again: only for failures a retry can fix (the
// catalogue's `retryable`), with exponential backoff and jitter, honouring
// the API's own Retry-After, and never past the step's deadline: a retry is
// started only if the wait and another attempt as long as the failed one fit in
// what is left of it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace cfdeploy {

struct RetryPolicy {
  int max_retries = 2;                                // attempts = max_retries + 1
  std::chrono::milliseconds base_delay{2000};         // before the first retry
  std::chrono::milliseconds max_delay{60000};         // cap on backoff
  std::chrono::milliseconds max_retry_after{300000};  // longest API-requested wait we honour
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
  std::string reason;  // for the log: why we retry, or why not
};

struct FailedAttempt {
  int number = 1;                                        // 1-based
  bool retryable = false;                                // from the catalogue entry
  std::string class_name;                                // for the reason text
  std::optional<std::chrono::milliseconds> retry_after;  // Retry-After, if the API sent one
  std::optional<std::chrono::milliseconds> time_left;    // until the step's deadline
  std::chrono::milliseconds duration{0};                 // how long this attempt ran
};

/// `jitter` is a uniform random number in [0, 1).
RetryDecision decide_retry(const RetryPolicy& policy, const FailedAttempt& attempt, double jitter);

}  // namespace cfdeploy
