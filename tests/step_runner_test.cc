#include "step_runner.h"

#include <gtest/gtest.h>

#include <fstream>

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;

const char* k_box_7403 =
    "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b/query) "
    "failed.\n\n  The given account is not valid or is not authorized to access this service "
    "[code: 7403]\n";
const char* k_box_10013 =
    "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/workers/scripts/w) "
    "failed.\n\n  An unknown error has occurred. [code: 10013]\n";

// One scripted attempt: what the "child" prints, writes to wrangler's output
// file, and how it ends.
struct ScriptedAttempt {
  std::string err;
  std::string out;
  ChildExit exit;
  std::string output_file;
};

ChildExit exited(int code) {
  ChildExit exit;
  exit.exit_code = code;
  exit.duration = milliseconds(5);
  return exit;
}

class ScriptedRunner : public ProcessRunner {
public:
  explicit ScriptedRunner(std::vector<ScriptedAttempt> attempts)
      : m_attempts(std::move(attempts)) {}

  Result<ChildExit> run(const SpawnRequest& request, OutputSink& sink) override {
    requests.push_back(request);
    if (m_next >= m_attempts.size()) {
      return Error{"starting '" + request.argv[0] + "'", "No such file or directory"};
    }
    const ScriptedAttempt& attempt = m_attempts[m_next++];
    write_output_file(request, attempt.output_file);
    sink.on_output(Stream::out, attempt.out);
    sink.on_output(Stream::err, attempt.err);
    return attempt.exit;
  }

  std::vector<SpawnRequest> requests;

private:
  static void write_output_file(const SpawnRequest& request, const std::string& contents) {
    const std::string prefix = "WRANGLER_OUTPUT_FILE_PATH=";
    for (const std::string& assignment : request.extra_env) {
      if (assignment.rfind(prefix, 0) == 0) {
        std::ofstream(assignment.substr(prefix.size())) << contents;
      }
    }
  }

  std::vector<ScriptedAttempt> m_attempts;
  size_t m_next = 0;
};

struct Harness {
  ScriptedRunner runner;
  std::string echoed_out;
  std::string echoed_err;
  std::vector<milliseconds> sleeps;
  std::vector<std::string> notes;
  int signal_during_sleep = 0;
  StepOptions options;

  explicit Harness(std::vector<ScriptedAttempt> attempts) : runner(std::move(attempts)) {
    options.argv = {"wrangler", "d1", "migrations", "apply", "DB", "--remote"};
  }

  Result<StepResult> run() {
    StepContext context{
        runner,
        builtin_catalogue(),
        [this](Stream stream, std::string_view bytes) {
          (stream == Stream::out ? echoed_out : echoed_err).append(bytes);
        },
        [this](const std::string& note) { notes.push_back(note); },
        [this](milliseconds delay) {
          sleeps.push_back(delay);
          return signal_during_sleep;
        },
        [] { return 0.5; },
    };
    return run_step(options, context);
  }
};

TEST(StepRunner, APermissionErrorIsNotRetried) {
  Harness h({{k_box_7403, "", exited(1), ""}});
  StepResult result = h.run().value();
  EXPECT_EQ(result.attempts.size(), 1u);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.verdict.primary->entry->failure_class, FailureClass::authorization);
  EXPECT_EQ(result.attempts[0].code, 7403);
  EXPECT_TRUE(h.sleeps.empty());
  EXPECT_NE(result.retry_note.find("not retried"), std::string::npos);
}

TEST(StepRunner, ATransientErrorIsRetriedUntilTheRetriesRunOut) {
  Harness h({{k_box_10013, "", exited(1), ""},
             {k_box_10013, "", exited(1), ""},
             {k_box_10013, "", exited(1), ""}});
  StepResult result = h.run().value();
  EXPECT_EQ(result.attempts.size(), 3u);  // retries + 1
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(h.sleeps, (std::vector<milliseconds>{milliseconds(2000), milliseconds(4000)}));
  EXPECT_EQ(h.notes.size(), 2u);
}

TEST(StepRunner, ARetryThatSucceedsEndsTheStep) {
  Harness h({{k_box_10013, "", exited(1), ""}, {"", "Uploaded w\n", exited(0), ""}});
  StepResult result = h.run().value();
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.attempts.size(), 2u);
  EXPECT_EQ(result.attempts[0].failure_class, FailureClass::transient);
  EXPECT_EQ(result.attempts[1].failure_class, std::nullopt);
}

TEST(StepRunner, AnErrorPrintedWithExitZeroStillFails) {
  Harness h({{k_box_7403, "", exited(0), ""}});
  StepResult result = h.run().value();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.exit_code, 1);
}

TEST(StepRunner, TheOutputFileExplainsASilentFailure) {
  Harness h(
      {{"", "", exited(1),
        R"({"type":"command-failed","version":1,"code":10000,"message":"A request to the Cloudflare API (/accounts/a/workers/scripts/w) failed."})"}});
  StepResult result = h.run().value();
  ASSERT_TRUE(result.verdict.primary.has_value());
  EXPECT_EQ(result.verdict.primary->entry->failure_class, FailureClass::authentication);
  EXPECT_EQ(result.verdict.primary->code, 10000);
  EXPECT_EQ(result.verdict.primary->resource, "/accounts/a/workers/scripts/w");
}

TEST(StepRunner, AnUnexplainedNonZeroExitIsAnUnknownFailureWithTheChildsStatus) {
  Harness h({{"", "", exited(3), ""}});
  StepResult result = h.run().value();
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.verdict.primary->entry->failure_class, FailureClass::unknown);
  EXPECT_NE(result.verdict.primary->evidence.find("status 3"), std::string::npos);
}

TEST(StepRunner, ATimeoutIsReportedAndNotRetried) {
  ChildExit exit;
  exit.signalled = true;
  exit.signal = 15;
  exit.timed_out = true;
  Harness h({{k_box_10013, "", exit, ""}});
  h.options.timeout = milliseconds(3000);
  StepResult result = h.run().value();
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 143);
  EXPECT_EQ(result.verdict.primary->entry->id, "step-timeout");
  EXPECT_NE(result.verdict.primary->evidence.find("timed out after 3 s"), std::string::npos);
  EXPECT_EQ(result.attempts.size(), 1u);
}

TEST(StepRunner, AForwardedSignalCancelsTheStep) {
  ChildExit exit = exited(1);
  exit.forwarded_signal = 2;
  Harness h({{k_box_10013, "", exit, ""}});
  StepResult result = h.run().value();
  EXPECT_EQ(result.cancelled_by, 2);
  EXPECT_EQ(result.exit_code, 130);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(StepRunner, ASignalDuringTheBackoffCancelsTheStep) {
  Harness h({{k_box_10013, "", exited(1), ""}, {"", "", exited(0), ""}});
  h.signal_during_sleep = 15;
  StepResult result = h.run().value();
  EXPECT_EQ(result.cancelled_by, 15);
  EXPECT_EQ(result.exit_code, 143);
  EXPECT_EQ(result.attempts.size(), 1u);
}

TEST(StepRunner, RetryAfterFromTheOutputFileIsHonoured) {
  Harness h(
      {{"\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/x) failed.\n\n  Please wait and "
        "consider throttling your request speed [code: 971]\n",
        "", exited(1),
        R"({"type":"command-failed","code":971,"message":"m","retry_after_ms":7000})"},
       {"", "", exited(0), ""}});
  StepResult result = h.run().value();
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(h.sleeps, (std::vector<milliseconds>{milliseconds(7000)}));
}

TEST(StepRunner, ARetryThatTheTimeoutWouldCutOffIsNotStartedAndTheRealFailureStays) {
  ChildExit slow = exited(1);
  slow.duration = milliseconds(15000);  // scripted: the clock has not moved
  Harness h({{k_box_10013, "", slow, ""}, {"", "", exited(0), ""}});
  h.options.timeout = milliseconds(16000);  // the 2 s wait fits, another 15 s attempt does not
  StepResult result = h.run().value();
  EXPECT_EQ(result.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.verdict.primary->code, 10013);
  EXPECT_NE(result.retry_note.find("another attempt as long as this one (15.0 s)"),
            std::string::npos)
      << result.retry_note;
}

TEST(StepRunner, EchoesTheChildsBytesUnchanged) {
  static constexpr char k_raw[] = "\x1b[31mred\x1b[0m\r\n\xff\xfe binary\0tail";
  std::string bytes(k_raw, sizeof(k_raw) - 1);  // keeps the NUL inside
  Harness h({{bytes, "out line\n", exited(0), ""}});
  ASSERT_TRUE(h.run().ok());
  EXPECT_EQ(h.echoed_err, bytes);
  EXPECT_EQ(h.echoed_out, "out line\n");
}

TEST(StepRunner, GivesEachAttemptItsOwnOutputFile) {
  Harness h({{k_box_10013, "", exited(1), ""}, {"", "", exited(0), ""}});
  ASSERT_TRUE(h.run().ok());
  ASSERT_EQ(h.runner.requests.size(), 2u);
  auto output_path = [](const SpawnRequest& request) {
    for (const std::string& assignment : request.extra_env) {
      if (assignment.rfind("WRANGLER_OUTPUT_FILE_PATH=", 0) == 0) {
        return assignment;
      }
    }
    return std::string();
  };
  EXPECT_FALSE(output_path(h.runner.requests[0]).empty());
  EXPECT_NE(output_path(h.runner.requests[0]), output_path(h.runner.requests[1]));
}

TEST(StepRunner, ReportsTheDeploymentUrl) {
  Harness h({{"", "", exited(0),
              R"({"type":"deploy","version":1,"targets":["https://w.sub.workers.dev"]})"}});
  EXPECT_EQ(h.run().value().deployment_url, "https://w.sub.workers.dev");
}

TEST(StepRunner, ACommandThatCannotStartIsAnError) {
  Harness h({});
  Result<StepResult> result = h.run();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("'wrangler'"), std::string::npos);
}

TEST(StepRunner, AWatcherGetsEachLineOfBothStreamsWithoutItsEnd) {
  Harness h({{"err line\r\n", "out one\nout two", exited(0), ""}});
  std::vector<std::pair<Stream, std::string>> seen;
  h.options.watch_line = [&seen](Stream stream, std::string_view line) {
    seen.emplace_back(stream, std::string(line));
  };
  StepResult result = h.run().value();
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(seen,
            (std::vector<std::pair<Stream, std::string>>{
                {Stream::out, "out one"}, {Stream::err, "err line"}, {Stream::out, "out two"}}));
  EXPECT_EQ(h.echoed_out, "out one\nout two") << "the output itself passes through unchanged";
}
}  // namespace
}  // namespace cfdeploy
