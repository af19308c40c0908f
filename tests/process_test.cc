#include "process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "secrets.h"
#include "support/elapsed.h"
#include "support/signals.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using testing::Clock;
using testing::elapsed_since;
using testing::k_well_before;
using namespace std::chrono_literals;
using testing::raise_when_trapped;

// The children in the timing tests would run for 120 s: stopping them within k_well_before
// proves the limit or signal worked.

// Stores every chunk with its stream and the moment it arrived.
class RecordingSink : public OutputSink {
public:
  struct Chunk {
    Stream stream;
    std::string bytes;
    Clock::time_point arrived;
  };

  void on_output(Stream stream, std::string_view bytes) override {
    chunks.push_back({stream, std::string(bytes), Clock::now()});
  }

  std::string text(Stream stream) const {
    std::string joined;
    for (const Chunk& chunk : chunks) {
      if (chunk.stream == stream) {
        joined += chunk.bytes;
      }
    }
    return joined;
  }

  std::vector<Chunk> chunks;
};

SpawnRequest child_request(const std::vector<std::string>& args) {
  SpawnRequest request;
  request.argv = {CFDEPLOY_TEST_CHILD};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  return request;
}

ChildExit run_child(const SpawnRequest& request, RecordingSink& sink) {
  PosixProcessRunner runner;
  Result<ChildExit> result = runner.run(request, sink);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message());
  return result.ok() ? result.value() : ChildExit{};
}

ChildExit run_child(const std::vector<std::string>& args, RecordingSink& sink) {
  return run_child(child_request(args), sink);
}

TEST(ProcessRunner, MissingProgramGivesErrorNamingIt) {
  RecordingSink sink;
  PosixProcessRunner runner;
  SpawnRequest request;
  request.argv = {"cfdeploy-no-such-program", "--version"};
  Result<ChildExit> result = runner.run(request, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().context, "starting 'cfdeploy-no-such-program'");
  EXPECT_EQ(result.error().cause, "No such file or directory");
}

TEST(ProcessRunner, EmptyArgvGivesError) {
  RecordingSink sink;
  PosixProcessRunner runner;
  EXPECT_FALSE(runner.run(SpawnRequest{}, sink).ok());
}

TEST(ProcessRunner, PassesExitCodeThrough) {
  RecordingSink sink;
  ChildExit exit = run_child({"exit", "3"}, sink);
  EXPECT_FALSE(exit.signalled);
  EXPECT_EQ(exit.exit_code, 3);
  EXPECT_EQ(exit.shell_status(), 3);
  EXPECT_FALSE(exit.timed_out);
  EXPECT_EQ(exit.forwarded_signal, 0);
}

TEST(ProcessRunner, ReportsDeathBySignal) {
  RecordingSink sink;
  ChildExit exit = run_child({"signal", std::to_string(SIGUSR1)}, sink);
  EXPECT_TRUE(exit.signalled);
  EXPECT_EQ(exit.signal, SIGUSR1);
  EXPECT_EQ(exit.shell_status(), 128 + SIGUSR1);
}

TEST(ProcessRunner, StdinIsDevNull) {
  RecordingSink sink;
  ChildExit exit = run_child({"stdin"}, sink);
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_EQ(sink.text(Stream::out), "0\n");
}

TEST(ProcessRunner, ChildRunsInItsOwnProcessGroup) {
  RecordingSink sink;
  run_child({"pgid"}, sink);
  long pid = 0;
  long pgid = 0;
  ASSERT_EQ(std::sscanf(sink.text(Stream::out).c_str(), "%ld %ld", &pid, &pgid), 2);
  EXPECT_EQ(pgid, pid);
  EXPECT_NE(pgid, static_cast<long>(getpgrp()));
}

TEST(ProcessRunner, ChildInheritsOurEnvironment) {
  setenv("CFDEPLOY_PROCESS_TEST", "ours", 1);
  RecordingSink sink;
  run_child({"env", "CFDEPLOY_PROCESS_TEST"}, sink);
  unsetenv("CFDEPLOY_PROCESS_TEST");
  EXPECT_EQ(sink.text(Stream::out), "ours\n");
}

TEST(ProcessRunner, ChildNeverSeesTheGithubToken) {
  setenv(k_github_token_variable, "ghs_token_for_the_process_test", 1);
  RecordingSink sink;
  ChildExit exit = run_child({"env", k_github_token_variable}, sink);
  unsetenv(k_github_token_variable);
  EXPECT_EQ(exit.exit_code, 1);  // test_child's "env" fails for an unset variable
  EXPECT_EQ(sink.text(Stream::out), "");
}

TEST(ProcessRunner, ExtraEnvReachesChild) {
  SpawnRequest request = child_request({"env", "CFDEPLOY_PROCESS_EXTRA"});
  request.extra_env = {"CFDEPLOY_PROCESS_EXTRA=hello world"};
  RecordingSink sink;
  run_child(request, sink);
  EXPECT_EQ(sink.text(Stream::out), "hello world\n");
}

TEST(ProcessRunner, ExtraEnvOverridesOurVariable) {
  setenv("CFDEPLOY_PROCESS_TEST", "ours", 1);
  SpawnRequest request = child_request({"env", "CFDEPLOY_PROCESS_TEST"});
  request.extra_env = {"CFDEPLOY_PROCESS_TEST=theirs"};
  RecordingSink sink;
  run_child(request, sink);
  unsetenv("CFDEPLOY_PROCESS_TEST");
  EXPECT_EQ(sink.text(Stream::out), "theirs\n");
}

TEST(ProcessRunner, HonoursWorkingDirectory) {
  char dir_template[] = "/tmp/cfdeploy-process-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  char* resolved = realpath(dir_template, nullptr);
  SpawnRequest request = child_request({"pwd"});
  request.working_directory = dir_template;
  RecordingSink sink;
  run_child(request, sink);
  EXPECT_EQ(sink.text(Stream::out), std::string(resolved) + "\n");
  std::free(resolved);
  rmdir(dir_template);
}

TEST(ProcessRunner, MissingWorkingDirectoryGivesErrorNamingIt) {
  SpawnRequest request = child_request({"pwd"});
  request.working_directory = "/nonexistent/cfdeploy-dir";
  RecordingSink sink;
  PosixProcessRunner runner;
  Result<ChildExit> result = runner.run(request, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("'/nonexistent/cfdeploy-dir'"), std::string::npos)
      << result.error().message();
  EXPECT_EQ(result.error().cause, "No such file or directory");
}

TEST(ProcessRunner, CapturesStreamsSeparatelyInOrder) {
  RecordingSink sink;
  run_child({"both"}, sink);
  EXPECT_EQ(sink.text(Stream::out), "out 1\nout 2\nout 3\n");
  EXPECT_EQ(sink.text(Stream::err), "err 1\nerr 2\nerr 3\n");
}

TEST(ProcessRunner, ManyLinesArriveComplete) {
  RecordingSink sink;
  run_child({"echo-lines", "20000"}, sink);
  std::string expected;
  for (int i = 1; i <= 20000; ++i) {
    expected += "line " + std::to_string(i) + "\n";
  }
  EXPECT_TRUE(sink.text(Stream::out) == expected);
}

TEST(ProcessRunner, HugeLineArrivesIntact) {
  constexpr size_t k_size = 64 * 1024 * 1024;
  RecordingSink sink;
  ChildExit exit = run_child({"big-line", std::to_string(k_size)}, sink);
  EXPECT_EQ(exit.exit_code, 0);
  std::string expected(k_size, '\0');
  for (size_t i = 0; i < k_size; ++i) {
    expected[i] = static_cast<char>('a' + i % 26);
  }
  expected += "\nafter";
  std::string out = sink.text(Stream::out);
  ASSERT_EQ(out.size(), expected.size());
  // Report only the first difference; printing 64 MiB helps nobody.
  auto differs = std::mismatch(out.begin(), out.end(), expected.begin()).first;
  EXPECT_TRUE(differs == out.end()) << "first difference at byte " << (differs - out.begin());
}

TEST(ProcessRunner, BinaryBytesArriveUnchanged) {
  RecordingSink sink;
  run_child({"binary"}, sink);
  std::string expected;
  for (int byte = 0; byte < 256; ++byte) {
    expected += static_cast<char>(byte);
  }
  expected += "\xc3\x28\xe2\x82\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xff\xfe";
  EXPECT_TRUE(sink.text(Stream::out) == expected);
}

TEST(ProcessRunner, ChildClosingStdoutEarlyStillGivesStderrAndExitCode) {
  RecordingSink sink;
  ChildExit exit = run_child({"close-stdout"}, sink);
  EXPECT_FALSE(exit.signalled);
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_EQ(sink.text(Stream::out), "");
  EXPECT_EQ(sink.text(Stream::err), "closed\n");
}

TEST(ProcessRunner, StreamsOutputBeforeTheChildExits) {
  RecordingSink sink;
  ChildExit exit = run_child({"delayed-line", "1000"}, sink);
  // "first" must arrive on its own, well before "second" is even printed:
  // a behaviour check with a wide margin (not a benchmark), robust to a busy machine.
  ASSERT_EQ(sink.chunks.size(), 2u);
  EXPECT_EQ(sink.chunks[0].bytes, "first\n");
  EXPECT_GE(sink.chunks[1].arrived - sink.chunks[0].arrived, 500ms);
  EXPECT_GE(exit.duration, 1000ms);
  EXPECT_EQ(sink.text(Stream::out), "first\nsecond\n");
}

// The child exits at once but its grandchild keeps the pipes open for 120 s.
TEST(ProcessRunner, DoesNotWaitForGrandchildHoldingThePipes) {
  RecordingSink sink;
  Clock::time_point start = Clock::now();
  ChildExit exit = run_child({"orphan", "120"}, sink);
  EXPECT_LT(elapsed_since(start), k_well_before);
  EXPECT_EQ(exit.exit_code, 0);
  long grandchild = std::atol(sink.text(Stream::out).c_str());
  ASSERT_GT(grandchild, 0);
  kill(static_cast<pid_t>(grandchild), SIGKILL);
}

TEST(ProcessRunner, RestoresSignalDispositions) {
  std::vector<void (*)(int)> before;
  for (int signo : {SIGINT, SIGTERM, SIGPIPE}) {
    struct sigaction current {};
    sigaction(signo, nullptr, &current);
    before.push_back(current.sa_handler);
  }
  RecordingSink sink;
  run_child({"exit", "0"}, sink);
  interruptible_sleep(1ms);
  std::vector<void (*)(int)> after;
  for (int signo : {SIGINT, SIGTERM, SIGPIPE}) {
    struct sigaction current {};
    sigaction(signo, nullptr, &current);
    after.push_back(current.sa_handler);
  }
  EXPECT_EQ(before, after);
}

TEST(SignalHold, ASignalBetweenTrapsStopsTheNextChild) {
  SignalHold hold;
  raise(SIGINT);
  RecordingSink sink;
  ChildExit exit = run_child({"sleep", "10"}, sink);
  EXPECT_TRUE(exit.signalled);
  EXPECT_EQ(exit.forwarded_signal, SIGINT);
}

size_t open_fd_count() {
  auto entries = std::filesystem::directory_iterator("/proc/self/fd");
  return static_cast<size_t>(std::distance(begin(entries), end(entries)));
}

TEST(ProcessRunner, ClosesEveryDescriptorItOpened) {
  size_t before = open_fd_count();
  RecordingSink sink;
  run_child({"both"}, sink);
  SpawnRequest missing;
  missing.argv = {"cfdeploy-no-such-program"};
  PosixProcessRunner runner;
  EXPECT_FALSE(runner.run(missing, sink).ok());
  interruptible_sleep(1ms);
  EXPECT_EQ(open_fd_count(), before);
}

TEST(ProcessTimeout, StopsSleepingChildWithSigterm) {
  SpawnRequest request = child_request({"sleep", "120"});
  request.timeout = 300ms;
  RecordingSink sink;
  Clock::time_point start = Clock::now();
  ChildExit exit = run_child(request, sink);
  EXPECT_GE(elapsed_since(start), 300ms);
  EXPECT_LT(elapsed_since(start), k_well_before);
  EXPECT_TRUE(exit.timed_out);
  EXPECT_TRUE(exit.signalled);
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_EQ(exit.shell_status(), 143);
  EXPECT_GE(exit.duration, 300ms);
}

TEST(ProcessTimeout, KillsChildIgnoringSigtermAfterGrace) {
  SpawnRequest request = child_request({"ignore-term", "120"});
  request.timeout = 500ms;
  request.kill_grace = 200ms;
  RecordingSink sink;
  Clock::time_point start = Clock::now();
  ChildExit exit = run_child(request, sink);
  EXPECT_LT(elapsed_since(start), k_well_before);
  EXPECT_TRUE(exit.timed_out);
  EXPECT_TRUE(exit.signalled);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_GE(exit.duration, 700ms);
}

TEST(ProcessSignals, ForwardsSigtermToChildAndSurvives) {
  std::thread raiser = raise_when_trapped(SIGTERM, 100ms);
  RecordingSink sink;
  Clock::time_point start = Clock::now();
  ChildExit exit = run_child({"sleep", "120"}, sink);
  raiser.join();
  EXPECT_LT(elapsed_since(start), k_well_before);
  EXPECT_EQ(exit.forwarded_signal, SIGTERM);
  EXPECT_TRUE(exit.signalled);
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_FALSE(exit.timed_out);
}

TEST(ProcessSignals, KillsChildIgnoringForwardedSigtermAfterGrace) {
  SpawnRequest request = child_request({"ignore-term", "120"});
  request.kill_grace = 200ms;
  std::thread raiser = raise_when_trapped(SIGTERM, 300ms);
  RecordingSink sink;
  ChildExit exit = run_child(request, sink);
  raiser.join();
  EXPECT_EQ(exit.forwarded_signal, SIGTERM);
  EXPECT_EQ(exit.signal, SIGKILL);
  // The grace is honoured. (The 300 ms before the signal count from the trap, which is set
  // before the child starts, so they are no floor for the child's own duration.)
  EXPECT_GE(exit.duration, 200ms);
  EXPECT_LT(exit.duration, k_well_before);
}

}  // namespace
}  // namespace cfdeploy
