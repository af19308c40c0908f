// One step's reporting, from the first byte of its output to the report file:
// the child's output echoed live, the diagnosis after a failure the API can say
// more about (step_diagnosis), the end-of-step summary, the JSON report and, on GitHub, the
// annotations, outputs and job summary. `deploy` and `migrate --check-local` run two steps in one.
#pragma once

#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bounded_output.h"
#include "process.h"
#include "step_reporter.h"
#include "step_runner.h"

namespace cfdeploy {

/// When the command's --timeout runs out; nullopt: no limit.
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

/// What is left of `deadline` (never negative); nullopt when there is none.
std::optional<std::chrono::milliseconds> time_left(Deadline deadline);

/// What a step works on: Cloudflare's API (diagnosed after a failure), or only local
/// state (wrangler's local D1), which the API knows nothing about.
enum class StepTarget { remote, local };

struct SessionSettings {
  StepReportSettings report;  // where the output goes, and what the report names
  Deadline deadline;          // the command's, from its --timeout
  std::string database;       // migrate's DATABASE, for the diagnosis after a failure
};

class StepSession {
public:
  explicit StepSession(SessionSettings settings);
  ~StepSession();
  StepSession(const StepSession&) = delete;
  StepSession& operator=(const StepSession&) = delete;

  /// Runs the step with live output and prints the summary. A command that
  /// could not be started is a failed step too (exit status 127), reported
  /// like any other. A failure the API can say more about is diagnosed first,
  /// unless `target` says the step touched only local state. `complete`, if given,
  /// adds what the command knows to the result before the summary is printed.
  StepResult execute(const StepOptions& options, StepTarget target = StepTarget::remote,
                     const std::function<void(StepResult&)>& complete = {});

  /// Writes the report file and, on GitHub, the report; returns the exit status.
  int finish(const StepResult& result, const std::vector<std::string>& command);

private:
  StepContext make_context();
  void echo_to(int fd, std::string_view bytes);
  void warn_if_output_lost();

  SessionSettings m_settings;
  // Our stdout for the summary and the workflow commands, within the output deadline.
  BoundedFdBuffer m_out_buffer{STDOUT_FILENO};
  std::ostream m_out{&m_out_buffer};
  std::unique_ptr<StepReporter> m_reporter;
  PosixProcessRunner m_runner;
  std::mt19937_64 m_random{std::random_device{}()};
  std::uniform_real_distribution<double> m_uniform{0.0, 1.0};
  int m_stdout_error = 0;  // errno of the first failed write of the child's output
  bool m_warned_output_lost = false;
  bool m_output_left_out = false;  // a reader that stopped reading met the deadline
  bool m_warned_output_left_out = false;
};

}  // namespace cfdeploy
