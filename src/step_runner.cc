#include "step_runner.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "duration_text.h"
#include "error_facts.h"
#include "line_splitter.h"
#include "wrangler_output.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Echoes the child's bytes untouched and feeds each stream's lines to one
// classifier.
class ClassifyingSink : public OutputSink {
public:
  ClassifyingSink(const Catalogue& catalogue, std::function<void(Stream, std::string_view)>& echo,
                  const std::function<void(Stream, std::string_view)>& watch)
      : m_classifier(catalogue),
        m_echo(echo),
        m_watch(watch),
        m_out([this](std::string_view line) { take_line(Stream::out, line); }),
        m_err([this](std::string_view line) { take_line(Stream::err, line); }) {}

  void on_output(Stream stream, std::string_view bytes) override {
    m_echo(stream, bytes);
    (stream == Stream::out ? m_out : m_err).feed(bytes);
  }

  Verdict finish() {
    m_out.finish();
    m_err.finish();
    Verdict verdict = m_classifier.finish();
    verdict.truncated_lines = m_out.truncated_lines() + m_err.truncated_lines();
    return verdict;
  }

private:
  void take_line(Stream stream, std::string_view line) {
    m_classifier.feed_line(line, stream);
    if (m_watch) {
      m_watch(stream, line);
    }
  }

  Classifier m_classifier;
  std::function<void(Stream, std::string_view)>& m_echo;
  const std::function<void(Stream, std::string_view)>& m_watch;
  LineSplitter m_out;
  LineSplitter m_err;
};

// A private file for wrangler's ND-JSON output (WRANGLER_OUTPUT_FILE_PATH).
class OutputFile {
public:
  explicit OutputFile(const std::string& dir) : m_path(dir + "/cfdeploy-wrangler-XXXXXX") {
    int fd = mkstemp(m_path.data());
    if (fd < 0) {
      m_path.clear();
      return;
    }
    close(fd);
  }
  ~OutputFile() {
    if (!m_path.empty()) {
      unlink(m_path.c_str());
    }
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

// A finding cfdeploy makes itself; `origin` says where its evidence comes from.
Finding synthetic_finding(const Catalogue& catalogue, ErrorFacts facts, std::string evidence,
                          std::string origin) {
  const CatalogueEntry* entry = catalogue.best_match(facts);
  Finding finding;
  finding.entry = entry != nullptr ? entry : &Catalogue::unknown_entry();
  finding.code = facts.code;
  if (facts.code) {
    finding.codes = {*facts.code};
  }
  finding.resource = facts.resource;
  finding.headline = facts.text;
  finding.evidence = std::move(evidence);
  finding.origin = std::move(origin);
  return finding;
}

// Decides the attempt's verdict from what was printed, what wrangler wrote to
// its output file and how the child ended. The exit code alone is not
// trusted: wrangler has exited 0 after printing an error.
Verdict judge_attempt(Verdict verdict, const WranglerOutput& output, const ChildExit& exit,
                      const StepOptions& options, const Catalogue& catalogue) {
  auto fail_with = [&](Finding finding) {
    if (verdict.primary) {
      verdict.others.insert(verdict.others.begin(), *verdict.primary);
    }
    verdict.ok = false;
    verdict.primary = std::move(finding);
  };
  if (exit.timed_out) {
    std::string text = "cfdeploy: the step timed out after " + short_seconds_text(*options.timeout);
    fail_with(
        synthetic_finding(catalogue, ErrorFacts{{}, {}, {}, text}, text, "the step's --timeout"));
  } else if (!verdict.primary && output.command_failed) {
    std::string text = output.failed_message;
    if (output.failed_code) {
      text += " [code: " + std::to_string(*output.failed_code) + "]";
    }
    ErrorFacts facts{output.failed_code, std::string(extract_resource(text)), {}, text};
    fail_with(synthetic_finding(catalogue, facts, text, "wrangler's output file"));
  } else if (!verdict.primary && exit.shell_status() != 0) {
    std::string text = "the command exited with status " + std::to_string(exit.shell_status()) +
                       " without an error cfdeploy recognises";
    fail_with(synthetic_finding(catalogue, ErrorFacts{{}, {}, {}, text}, text, "the exit status"));
  }
  return verdict;
}

std::optional<milliseconds> time_left(const StepOptions& options, Clock::time_point start) {
  if (!options.timeout) {
    return std::nullopt;
  }
  Clock::time_point deadline = options.deadline ? *options.deadline : start + *options.timeout;
  return std::max(milliseconds(0),
                  std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

// The child a spent budget would have started: it ends as the deadline would end it,
// without being run for no time at all.
ChildExit never_started_in_time() {
  ChildExit exit;
  exit.signalled = true;
  exit.signal = SIGTERM;
  exit.timed_out = true;
  return exit;
}

// The spawn error's cause is the text of its errno.
bool is_not_executable(const Error& error) {
  return error.cause == system_error_text(EACCES) || error.cause == system_error_text(ENOEXEC);
}

AttemptRecord record_attempt(int number, const Verdict& verdict, const ChildExit& exit) {
  AttemptRecord record;
  record.number = number;
  record.exit_status = exit.shell_status();
  record.timed_out = exit.timed_out;
  record.signal = exit.signalled ? exit.signal : 0;
  record.duration = exit.duration;
  if (verdict.primary) {
    record.failure_class = verdict.primary->entry->failure_class;
    record.code = verdict.primary->code;
  }
  return record;
}

// The child's own status when it failed; 1 when it claimed success.
int step_exit_code(const Verdict& verdict, const ChildExit& exit) {
  if (verdict.ok) {
    return 0;
  }
  return exit.shell_status() != 0 ? exit.shell_status() : 1;
}

// What the retry policy needs to know about the attempt that just failed.
FailedAttempt failed_attempt(int number, const CatalogueEntry& entry, const WranglerOutput& output,
                             const ChildExit& exit, std::optional<milliseconds> time_left) {
  FailedAttempt failed;
  failed.number = number;
  failed.retryable = entry.retryable;
  failed.class_name = to_string(entry.failure_class);
  if (output.retry_after_ms) {
    failed.retry_after = milliseconds(*output.retry_after_ms);
  }
  failed.time_left = time_left;
  failed.duration = exit.duration;
  return failed;
}

// What an attempt deployed; an attempt that wrote nothing leaves an earlier one's.
void keep_deployment(const WranglerOutput& output, StepResult& result) {
  if (!output.deployment_url.empty()) {
    result.deployment_url = output.deployment_url;
    result.deployment_urls = output.deployment_urls;
    result.alias_url = output.alias_url;
  }
  if (!output.version_id.empty()) {
    result.version_id = output.version_id;
  }
  if (!output.worker_name.empty()) {
    result.worker_name = output.worker_name;
  }
  if (!output.pages.empty()) {
    result.pages = output.pages;
  }
}

}  // namespace

StepResult not_started_result(const Error& error, const Catalogue& catalogue) {
  std::string text = "cfdeploy: the command could not be started: " + error.message();
  StepResult result;
  result.verdict.ok = false;
  result.verdict.primary =
      synthetic_finding(catalogue, ErrorFacts{{}, {}, {}, text}, text, "starting the command");
  int status = is_not_executable(error) ? k_not_executable_status : k_not_started_status;
  AttemptRecord attempt;
  attempt.exit_status = status;
  attempt.failure_class = result.verdict.primary->entry->failure_class;
  result.attempts.push_back(attempt);
  result.exit_code = status;
  result.retry_note = "not retried: the command could not be started";
  return result;
}

Result<StepResult> run_step(const StepOptions& options, StepContext& context) {
  StepResult result;
  Clock::time_point start = Clock::now();
  for (int number = 1;; ++number) {
    OutputFile output_file(context.temp_dir);
    SpawnRequest request{options.argv, options.extra_env, options.working_directory,
                         time_left(options, start), options.kill_grace};
    if (!output_file.path().empty()) {
      request.extra_env.push_back("WRANGLER_OUTPUT_FILE_PATH=" + output_file.path());
    }
    ClassifyingSink sink(context.catalogue, context.echo, options.watch_line);
    Result<ChildExit> exit = request.timeout && request.timeout->count() == 0
                                 ? Result<ChildExit>(never_started_in_time())
                                 : context.runner.run(request, sink);
    if (!exit) {
      return exit.error();
    }
    WranglerOutput output = read_wrangler_output(output_file.path());
    result.verdict = judge_attempt(sink.finish(), output, exit.value(), options, context.catalogue);
    result.attempts.push_back(record_attempt(number, result.verdict, exit.value()));
    result.exit_code = step_exit_code(result.verdict, exit.value());
    keep_deployment(output, result);
    if (!output.wrangler_version.empty()) {
      result.wrangler_version = output.wrangler_version;
    }
    if (result.verdict.ok) {
      break;
    }
    if (exit.value().forwarded_signal != 0) {
      result.cancelled_by = exit.value().forwarded_signal;
      result.exit_code = 128 + result.cancelled_by;
      break;
    }
    if (exit.value().timed_out) {
      result.timed_out = true;
      result.retry_note = "not retried: the step used up its --timeout";
      break;
    }
    FailedAttempt failed = failed_attempt(number, *result.verdict.primary->entry, output,
                                          exit.value(), time_left(options, start));
    RetryDecision decision = decide_retry(options.retry, failed, context.jitter());
    result.retry_note = decision.reason;
    if (!decision.retry) {
      break;
    }
    context.note(decision.reason);
    if (int signal = context.sleep(decision.delay); signal != 0) {
      result.cancelled_by = signal;
      result.exit_code = 128 + signal;
      break;
    }
  }
  result.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return result;
}

}  // namespace cfdeploy
