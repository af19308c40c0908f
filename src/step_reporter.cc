#include "step_reporter.h"

#include <unistd.h>

#include "bounded_output.h"
#include "deployment_target.h"
#include "environment.h"
#include "github_report.h"
#include "project_locator.h"
#include "secrets.h"
#include "step_report.h"

namespace cfdeploy {
namespace {

// What the step deployed, and the commit it ran for (a pull request's head). A Pages
// deployment's alias is its branch alias.
DeployedFacts deployed_facts(const StepResult& result) {
  std::string alias = result.alias_url.empty() ? result.pages.alias_url : result.alias_url;
  return DeployedFacts{result.deployment_urls, alias, result.version_id, result.worker_name,
                       deployment_ref(github_event_from_env())};
}

// Each stream to its own; the summary is cfdeploy's own, on stderr.
class TextStepReporter : public StepReporter {
public:
  explicit TextStepReporter(ReporterOutput output) : m_output(std::move(output)) {}

  void start_child_output() override {}
  void child_output(Stream stream, std::string_view bytes) override {
    m_output.echo(stream == Stream::out ? STDOUT_FILENO : STDERR_FILENO, bytes);
  }
  void end_child_output(const std::string& summary) override {
    (void)write_output(STDERR_FILENO, summary);
  }
  void report_step(const StepResult&, const std::vector<std::string>&) override {}
  bool summary_lost() const override { return false; }

private:
  ReporterOutput m_output;
};

class GithubStepReporter : public StepReporter {
public:
  GithubStepReporter(StepReportSettings settings, ReporterOutput output)
      : m_settings(std::move(settings)),
        m_output(std::move(output)),
        m_github(GithubReporter::from_environment(m_output.out)) {}

  void start_child_output() override {
    m_github.start_child_output(secret_values(m_settings.mask_account_id));
  }

  // Both streams go to stdout: the runner reads our stdout and stderr on
  // separate threads, so only stdout is reliably inside the stop-commands window.
  void child_output(Stream, std::string_view bytes) override {
    m_output.echo(STDOUT_FILENO, bytes);
    m_github.observe(Stream::out, bytes);
  }

  // The summary quotes the child's error text, so it goes inside the window too.
  void end_child_output(const std::string& summary) override {
    m_github.print_in_window(summary);
    m_github.finish_child_output();
  }

  void report_step(const StepResult& result, const std::vector<std::string>& command) override {
    SummaryInput summary{step_label(command),
                         &result.verdict,
                         result.attempts.size(),
                         result.duration,
                         result.exit_code,
                         result.deployment_url,
                         result.wrangler_version,
                         result.retry_note,
                         {},
                         deployed_facts(result),
                         result.time_travel ? &*result.time_travel : nullptr,
                         result.plan ? &*result.plan : nullptr,
                         result.diagnosis ? &*result.diagnosis : nullptr};
    StepOutputs outputs = outputs_for(result.verdict);
    if (result.cancelled_by != 0) {
      outputs.outcome = "cancelled";
    }
    outputs.attempts = result.attempts.size();
    outputs.exit_code = result.exit_code;
    outputs.deployment_url = result.deployment_url;
    outputs.version_id = result.version_id;
    outputs.pages = result.pages;
    outputs.report_path = m_settings.report_path;
    if (result.time_travel) {
      outputs.restore_bookmark = result.time_travel->bookmark;
    }
    if (result.plan) {
      outputs.pending_migrations = std::to_string(result.plan->planned.size());
    }
    m_github.report(summary, outputs,
                    project_locator(m_settings.directory, m_settings.environment,
                                    env_or_empty("GITHUB_WORKSPACE")));
  }

  bool summary_lost() const override { return !m_output.out; }

private:
  StepReportSettings m_settings;
  ReporterOutput m_output;
  GithubReporter m_github;
};

}  // namespace

ReportFormat step_report_format(const std::string& flag) {
  bool github = flag == "github" || (flag == "auto" && running_on_github());
  return github ? ReportFormat::github : ReportFormat::text;
}

std::unique_ptr<StepReporter> make_step_reporter(const StepReportSettings& settings,
                                                 ReporterOutput output) {
  if (settings.format == ReportFormat::github) {
    return std::make_unique<GithubStepReporter>(settings, std::move(output));
  }
  return std::make_unique<TextStepReporter>(std::move(output));
}

}  // namespace cfdeploy
