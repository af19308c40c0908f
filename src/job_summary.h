// The Markdown written to $GITHUB_STEP_SUMMARY: a headline, the facts in a
// table, what a successful deploy made (URLs, alias, version, Worker, commit), the diagnosis
// (what the API said after the failure), the fix as a checklist, the token permissions for
// credential errors with links that make the fix, and the error lines folded away. A pure
// function of the result; every value from elsewhere (argv, names, versions, URLs, log text) is
// redacted and escaped for where it goes (markdown.h), and the whole stays under 1 MiB.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "classifier.h"
#include "failure_diagnosis.h"
#include "fix_links.h"
#include "step_runner.h"

namespace cfdeploy {

/// What a step deployed, from wrangler's output entries and the run; empty ones are left out.
struct DeployedFacts {
  std::vector<std::string> urls;  // every URL; none: SummaryInput's deployment_url
  std::string alias_url;
  std::string version_id;
  std::string worker_name;
  std::string commit;
};

struct SummaryInput {
  std::string step;  // what ran, e.g. "wrangler d1 migrations apply notes-db --remote"
  const Verdict* verdict = nullptr;
  size_t attempts = 0;  // 0: a saved log was explained, nothing ran
  std::chrono::milliseconds duration{0};
  int exit_code = 0;
  std::string deployment_url;
  std::string wrangler_version;
  std::string retry_note;
  GithubRun github_run;  // the run's pages, for the secret and re-run links; may be empty
  DeployedFacts deployed;
  const TimeTravelFacts* time_travel = nullptr;  // remote migrate and restore only
  const MigrationPlanFacts* plan = nullptr;      // migrate, when wrangler listed what is pending
  const Diagnosis* diagnosis = nullptr;          // what the API said after the failure, if asked
};

/// The runner uploads nothing when a step's summary passes 1 MiB.
inline constexpr size_t k_max_summary_bytes = size_t{1000} * 1000;

std::string job_summary_markdown(const SummaryInput& input);

}  // namespace cfdeploy
