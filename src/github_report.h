// Reporting to GitHub Actions: masks the secrets, keeps the child's output
// from being read as workflow commands, and at the end writes the
// annotations, the step outputs and the job summary. Missing or unwritable
// runner files are warnings, never failures.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "classifier.h"
#include "fix_links.h"
#include "job_summary.h"
#include "source_location.h"
#include "workflow_commands.h"
#include "wrangler_output.h"

namespace cfdeploy {

/// True when running on a GitHub Actions runner (GITHUB_ACTIONS=true).
bool running_on_github();

/// The runner allows 10 errors and 10 warnings for a whole composite action.
inline constexpr size_t k_max_annotations_per_level = 10;

/// The error for the primary finding (with the diagnosis' conclusion, when there is one), a
/// warning at the configuration line a diagnosis says to change, and warnings for the other
/// findings, most important first, within the runner's limits.
std::vector<Annotation> build_annotations(const Verdict& verdict, const Locator& locate,
                                          const Diagnosis* diagnosis = nullptr);

struct StepOutputs {
  std::string outcome;  // success | failure | cancelled
  std::string error_class;
  std::string error_code;
  bool retryable = false;
  size_t attempts = 0;
  int exit_code = 0;
  std::string deployment_url;
  std::string version_id;
  PagesDeployment pages;  // pages-deployment-id, pages-deployment-alias-url, pages-environment
  size_t migrations_applied = 0;
  std::string report_path;
  std::string restore_bookmark;    // the D1 bookmark taken before a remote migration
  std::string pending_migrations;  // migrate: how many were pending; empty when unknown
};

/// Fills the outputs that follow from the verdict (outcome, class, code, retryable, migrations).
StepOutputs outputs_for(const Verdict& verdict);

class GithubReporter {
public:
  using RandomBytes = std::function<void(unsigned char*, size_t)>;

  /// `out` is where workflow commands go (our stdout); the file paths come
  /// from GITHUB_OUTPUT and GITHUB_STEP_SUMMARY and may be empty.
  GithubReporter(std::ostream& out, std::string output_path, std::string summary_path,
                 RandomBytes random_bytes);

  /// From the environment, with random bytes from the OS.
  static GithubReporter from_environment(std::ostream& out);

  /// Masks `secrets`, then stops command processing until finish_child_output().
  void start_child_output(const std::vector<std::string>& secrets);
  /// Notes the child's bytes, so the resume token starts a line of its own.
  void observe(Stream stream, std::string_view bytes);
  void finish_child_output();
  /// Prints `text` inside the window start_child_output() opened.
  void print_in_window(std::string_view text);
  /// Prints `text` inside a stop-commands window of its own, after masking
  /// `secrets`: nothing in it can act on the runner.
  void print_quoted(std::string_view text, const std::vector<std::string>& secrets);

  /// Annotations on `out`, outputs appended to GITHUB_OUTPUT, summary to GITHUB_STEP_SUMMARY.
  void report(const SummaryInput& summary, const StepOutputs& outputs, const Locator& locate);

  /// The pieces of report(), for reports that are not a step's (preflight).
  void annotate(const std::vector<Annotation>& annotations);
  void write_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);
  void write_summary(const std::string& markdown);

private:
  void append_to(const std::string& path, const std::string& variable, const std::string& text);

  std::ostream& m_out;
  std::string m_output_path;
  std::string m_summary_path;
  RandomBytes m_random_bytes;
  std::string m_stop_token;
  GithubRun m_run;  // from_environment's; the summary's links need it
  bool m_mid_line[2] = {false, false};
};

}  // namespace cfdeploy
