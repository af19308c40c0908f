// Running one CI step to a verdict: spawn the command, echo its output live
// while classifying it, read wrangler's structured output, decide whether a
// retry can help, and try again within the limits. Processes, sleeping and
// randomness come in through StepContext so the logic can be tested alone.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.h"
#include "classifier.h"
#include "error.h"
#include "failure_diagnosis.h"
#include "process.h"
#include "retry_policy.h"
#include "wrangler_output.h"

namespace cfdeploy {

struct StepOptions {
  std::vector<std::string> argv;
  std::vector<std::string> extra_env;
  std::string working_directory;
  RetryPolicy retry;
  std::optional<std::chrono::milliseconds> timeout;  // for all attempts together
  // When the timeout runs out, if the command started counting before the step did
  // (a preflight, a local check); nullopt: the timeout counts from the step's start.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::chrono::milliseconds kill_grace{5000};
  // Each line of the child's output as it came (without its terminator), for a command
  // that reads facts out of it (a restore's bookmarks); may be empty.
  std::function<void(Stream, std::string_view)> watch_line;
};

struct AttemptRecord {
  int number = 1;
  int exit_status = 0;  // shell convention
  bool timed_out = false;
  int signal = 0;  // the signal that ended the child, or 0 when it exited
  std::optional<FailureClass> failure_class;  // nullopt: the attempt succeeded
  std::optional<int> code;
  std::chrono::milliseconds duration{0};
};

/// D1 Time Travel around a step, for its report and summaries: the bookmark a remote
/// migration took before it started, or where a restore moved the database.
struct TimeTravelFacts {
  bool restore = false;           // a restore, not a migration
  std::string database;           // as the step named it
  std::string bookmark;           // the database's bookmark before the step; empty: none
  std::string bookmark_problem;   // why none was taken
  std::string restored_to;        // restore: the bookmark the database is now at
  std::string previous_bookmark;  // restore: the bookmark before it, which undoes it
  std::string environment;        // wrangler's --env, which decides the database `database` is
};

/// The migrations a migrate run found pending, in order: from its plan step (`d1 migrations
/// list`), else as the apply announced them; and after a plan step, what the apply found.
struct MigrationPlanFacts {
  std::vector<std::string> planned;
  bool plan_step = false;
  std::optional<std::vector<std::string>> at_apply;

  /// Another job migrated between the plan and the apply.
  bool changed() const { return at_apply && *at_apply != planned; }
};

struct StepResult {
  Verdict verdict;  // of the last attempt
  std::vector<AttemptRecord> attempts;
  int exit_code = 0;
  bool timed_out = false;
  int cancelled_by = 0;  // SIGINT/SIGTERM that cancelled the step, or 0
  std::string deployment_url;
  std::vector<std::string> deployment_urls;  // every URL wrangler deployed to
  std::string alias_url;
  std::string version_id;  // of a deploy or an uploaded version
  std::string worker_name;
  PagesDeployment pages;  // of a Pages deployment
  std::string wrangler_version;
  std::string token_check;                     // after a 10000: what verifying the token found
  std::optional<Diagnosis> diagnosis;          // after a failure the API can say more about
  std::string retry_note;                      // why the last failure was, or was not, retried
  std::optional<TimeTravelFacts> time_travel;  // remote migrate and restore only
  std::optional<MigrationPlanFacts> plan;      // migrate, when wrangler listed what is pending
  std::chrono::milliseconds duration{0};

  bool ok() const { return exit_code == 0; }
};

struct StepContext {
  ProcessRunner& runner;
  const Catalogue& catalogue;
  /// Where the child's bytes go as they arrive (our stdout/stderr).
  std::function<void(Stream, std::string_view)> echo;
  /// Our own progress notes ("retrying in 2.0 s").
  std::function<void(const std::string&)> note;
  /// Waits; returns a signal number if the wait was cut short by one.
  std::function<int(std::chrono::milliseconds)> sleep;
  /// Uniform in [0, 1), for backoff jitter.
  std::function<double()> jitter;
  /// Directory for wrangler's output files.
  std::string temp_dir = "/tmp";
};

/// Runs the step until it succeeds or a retry cannot help. An Error means the
/// command could not be started at all.
Result<StepResult> run_step(const StepOptions& options, StepContext& context);

/// The shell's status for a command that could not be found.
inline constexpr int k_not_started_status = 127;
/// The shell's status for a command that exists but could not be executed.
inline constexpr int k_not_executable_status = 126;

/// The result of a step whose command could not be started (`error` says why): failed,
/// exit status 126 when it exists but may not be executed (EACCES, ENOEXEC) and 127
/// otherwise, so that it is reported like any other failure.
StepResult not_started_result(const Error& error, const Catalogue& catalogue);

}  // namespace cfdeploy
