#include "step_session.h"

#include <cerrno>
#include <fstream>
#include <iostream>

#include "diagnostics.h"
#include "environment.h"
#include "secrets.h"
#include "step_diagnosis.h"
#include "step_report.h"
#include "token_check.h"
#include "workflow_commands.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

// After the step's deadline, how long our own summary and messages may still wait for
// a reader that stopped reading.
constexpr milliseconds k_output_grace{2000};

void write_report(const std::string& path, const StepResult& result,
                  const std::vector<std::string>& command) {
  // The child's lines are quoted as they were, and need not be valid UTF-8.
  std::string text =
      redacted_json_text(step_report_json(result, command, github_run_from_env())) + "\n";
  errno = 0;
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  int failure = out ? 0 : errno;
  out << text;
  out.close();
  if (!out && failure == 0) {
    failure = errno;
  }
  if (!out) {
    std::string reason = failure != 0 ? " (" + system_error_text(failure) + ")" : "";
    print_warning("could not write the report to '" + path + "'" + reason +
                  "; the step's result is above");
  }
}

// After a failure the API can say more about (a refused credential, a D1 permission,
// something not found, an account), ask it, within what is left of the step's --timeout,
// and stop asking at SIGINT/SIGTERM. Cloudflare answers 10000 both for a bad token and for
// a good one that lacks a permission: the token check says which.
void diagnose_after_failure(StepResult& result, const SessionSettings& settings) {
  const std::optional<Finding>& primary = result.verdict.primary;
  if (result.ok() || !primary || result.cancelled_by != 0 || !diagnosis_kind(*primary)) {
    return;
  }
  std::optional<milliseconds> left = time_left(settings.deadline);
  StepProject project{settings.report.directory, settings.report.environment, settings.database};
  Cancellation cancellation;
  {
    CancelOnSignal cancel_on_signal(cancellation);
    result.diagnosis = diagnose_step_failure(*primary, project, left, &cancellation);
  }
  if (primary->code == 10000) {
    TokenState unasked;
    unasked.detail = result.diagnosis->conclusion;
    result.token_check = explain_token_state(result.diagnosis->token.value_or(unasked));
  }
  if (int signal = cancellation.signal()) {
    result.cancelled_by = signal;
    result.exit_code = 128 + signal;
  }
}

}  // namespace

std::optional<milliseconds> time_left(Deadline deadline) {
  if (!deadline) {
    return std::nullopt;
  }
  auto left =
      std::chrono::duration_cast<milliseconds>(*deadline - std::chrono::steady_clock::now());
  return std::max(milliseconds(0), left);
}

StepSession::StepSession(SessionSettings settings) : m_settings(std::move(settings)) {
  std::cout.flush();  // from here on stdout is written through m_out
  if (m_settings.deadline) {
    set_output_deadline(*m_settings.deadline + k_output_grace);
  }
  ReporterOutput output{[this](int fd, std::string_view bytes) { echo_to(fd, bytes); }, m_out};
  m_reporter = make_step_reporter(m_settings.report, std::move(output));
}

StepSession::~StepSession() { set_output_deadline(std::nullopt); }

StepResult StepSession::execute(const StepOptions& options, StepTarget target,
                                const std::function<void(StepResult&)>& complete) {
  m_reporter->start_child_output();
  StepContext context = make_context();
  Result<StepResult> result = run_step(options, context);
  if (result && target == StepTarget::remote) {
    diagnose_after_failure(result.value(), m_settings);
  } else if (!result) {
    result = not_started_result(result.error(), builtin_catalogue());
  }
  if (complete) {
    complete(result.value());
  }
  // The summary quotes the child's error text: it is escaped, and on GitHub
  // it goes inside the stop-commands window too.
  m_reporter->end_child_output(escape_log_lines(redact_secrets(step_summary_text(result.value()))));
  warn_if_output_lost();
  return std::move(result.value());
}

int StepSession::finish(const StepResult& result, const std::vector<std::string>& command) {
  if (!m_settings.report.report_path.empty()) {
    write_report(m_settings.report.report_path, result, command);
  }
  m_reporter->report_step(result, command);
  return result.exit_code;
}

StepContext StepSession::make_context() {
  return StepContext{
      m_runner,
      builtin_catalogue(),
      // A reader that went away must not stop the step: keep classifying.
      [this](Stream stream, std::string_view bytes) { m_reporter->child_output(stream, bytes); },
      [](const std::string& note) { print_note(note); },
      [](milliseconds delay) { return interruptible_sleep(delay); },
      [this]() { return m_uniform(m_random); },
      temp_dir(),
  };
}

// Blocks while a reader is slow, so the log gets every byte; but a reader that
// stopped reading must not keep the step past its --timeout, so from the
// deadline on, what it will not take is left out.
void StepSession::echo_to(int fd, std::string_view bytes) {
  WriteStatus status = write_until(fd, bytes, m_settings.deadline);
  if (status == WriteStatus::failed && fd == STDOUT_FILENO && m_stdout_error == 0) {
    m_stdout_error = errno;
  }
  if (status == WriteStatus::past_deadline) {
    m_output_left_out = true;
  }
}

// Said on stderr, which may still reach the log when stdout's reader is gone.
void StepSession::warn_if_output_lost() {
  if (m_output_left_out && !m_warned_output_left_out) {
    m_warned_output_left_out = true;
    print_warning(
        "standard output's reader stopped reading, so the step's output from its "
        "--timeout on was left out where the reader would not take it");
  }
  if (m_stdout_error == 0 && m_reporter->summary_lost()) {
    m_stdout_error = EPIPE;  // the summary went to stdout, and that failed
  }
  if (m_stdout_error == 0 || m_warned_output_lost) {
    return;
  }
  m_warned_output_lost = true;
  print_warning("could not write to standard output (" + system_error_text(m_stdout_error) +
                "), so the log is missing the step's output from then on; the step still ran "
                "to the end");
}

}  // namespace cfdeploy
