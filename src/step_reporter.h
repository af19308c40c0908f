// Where a step's output goes, chosen once from --format: the child's bytes as
// they arrive, the end-of-step summary, and at the end the step's report. The
// text reporter echoes each stream to its own and prints the summary on
// stderr; the GitHub reporter masks the secrets, keeps the child's output and
// the summary inside a stop-commands window on stdout, then writes the
// annotations, the step outputs and the job summary.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "process.h"
#include "step_runner.h"

namespace cfdeploy {

enum class ReportFormat { text, github };

/// A step's --format: auto | text | github, auto being github on a runner
/// (GITHUB_ACTIONS=true). The option's values are checked by CLI11.
ReportFormat step_report_format(const std::string& flag);

/// What the reporters need of the step's options.
struct StepReportSettings {
  ReportFormat format = ReportFormat::text;
  bool mask_account_id = false;  // also mask CLOUDFLARE_ACCOUNT_ID on GitHub
  std::string report_path;       // --report, named in the step outputs
  std::string directory;         // --directory, for finding lines in the configuration
  std::string environment;       // wrangler's --env, likewise
};

/// Where a reporter writes: the child's bytes through `echo` (to STDOUT_FILENO or
/// STDERR_FILENO, within the step's deadline), its own text on `out` (our stdout,
/// within the output deadline).
struct ReporterOutput {
  std::function<void(int fd, std::string_view bytes)> echo;
  std::ostream& out;
};

class StepReporter {
public:
  virtual ~StepReporter() = default;

  /// Before the child starts.
  virtual void start_child_output() = 0;
  /// A chunk of the child's output, as it arrives.
  virtual void child_output(Stream stream, std::string_view bytes) = 0;
  /// The end-of-step summary, redacted and escaped, after the child's output.
  virtual void end_child_output(const std::string& summary) = 0;
  /// The finished step, `command` being what ran.
  virtual void report_step(const StepResult& result, const std::vector<std::string>& command) = 0;
  /// Whether writing the summary on stdout failed.
  virtual bool summary_lost() const = 0;
};

std::unique_ptr<StepReporter> make_step_reporter(const StepReportSettings& settings,
                                                 ReporterOutput output);

}  // namespace cfdeploy
