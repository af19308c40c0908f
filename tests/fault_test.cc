// Faults injected from outside, seen as a user sees them: the built binary
// supervising the scripted test child, and preflight against a fake API
// that misbehaves on loopback. Each case checks the exit status, the message
// printed, and that nothing the child printed before the fault was lost.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_cloudflare.h"
#include "support/fixtures.h"
#include "support/run_command.h"
#include "support/slow_server.h"

namespace cfdeploy {
namespace {

using testing::CommandResult;
using testing::run_cfdeploy;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string k_child = CFDEPLOY_TEST_CHILD;

std::string temp_path(const std::string& name) {
  return "/tmp/cfdeploy-fault-" + std::to_string(getpid()) + "-" + name;
}

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(testing::read_whole_file(path), nullptr, false);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - since).count());
}

// How a process ended: whether it exited by itself, and the shell's status.
struct Ended {
  bool exited = false;
  int status = -1;
};

Ended wait_for_end(pid_t pid) {
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  return Ended{WIFEXITED(raw), WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw)};
}

// Starts cfdeploy with `out_fd` and `err_fd` as its stdout and stderr and
// `extra_env` added to ours; the caller waits for it.
pid_t start_cfdeploy(const std::vector<std::string>& args, int out_fd, int err_fd,
                     const std::vector<std::string>& extra_env = {}) {
  std::vector<std::string> argv = {CFDEPLOY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  // Built before fork: the child of a threaded process may only exec.
  std::vector<char*> argv_ptrs;
  std::vector<char*> env_ptrs;
  for (std::string& arg : argv) {
    argv_ptrs.push_back(arg.data());
  }
  for (std::string& entry : env) {
    env_ptrs.push_back(entry.data());
  }
  argv_ptrs.push_back(nullptr);
  env_ptrs.push_back(nullptr);
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
    _exit(127);
  }
  close(null_fd);
  return pid;
}

// Reads `fd` into `text` until `wanted` shows up, EOF, or the deadline.
bool read_until(int fd, std::string& text, const std::string& wanted, milliseconds limit) {
  Clock::time_point deadline = Clock::now() + limit;
  while (!contains(text, wanted)) {
    long left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    pollfd ready{fd, POLLIN, 0};
    if (left <= 0 || poll(&ready, 1, static_cast<int>(left)) <= 0) {
      return false;
    }
    char buffer[4096];
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) {
      return false;
    }
    text.append(buffer, static_cast<size_t>(got));
  }
  return true;
}

std::string read_to_end(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(fd, buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)) {
    text.append(buffer, static_cast<size_t>(std::max<ssize_t>(got, 0)));
  }
  return text;
}

// Waits for `pid` until `limit`; kills it (and says it did not end) when it runs longer.
Ended wait_at_most(pid_t pid, milliseconds limit) {
  Clock::time_point give_up = Clock::now() + limit;
  while (Clock::now() < give_up) {
    int raw = 0;
    pid_t got = waitpid(pid, &raw, WNOHANG);
    if (got == pid) {
      return Ended{WIFEXITED(raw), WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw)};
    }
    poll(nullptr, 0, 20);
  }
  kill(pid, SIGKILL);
  wait_for_end(pid);
  return Ended{};
}

// `cfdeploy run --timeout 2 -- yes | sleep 600`: the reader of our stdout never reads, so
// the pipe fills and stays full. The step must still end at its --timeout, not when the
// reader goes away.
TEST(Fault, AReaderThatStopsReadingCannotHoldTheStepPastItsTimeout) {
  int out_pipe[2];
  ASSERT_EQ(pipe2(out_pipe, O_CLOEXEC), 0);
  std::string err_path = temp_path("stalled.err");
  int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(err_fd, 0);
  Clock::time_point start = Clock::now();
  pid_t pid =
      start_cfdeploy({"run", "--timeout", "2", "--", k_child, "flood"}, out_pipe[1], err_fd);
  close(out_pipe[1]);
  close(err_fd);
  // The reader stays for 120 s without reading; ending well before shows the limit held.
  Ended end = wait_at_most(pid, milliseconds(120000));
  long took = elapsed_ms(start);
  close(out_pipe[0]);
  std::string err = testing::read_whole_file(err_path);
  std::remove(err_path.c_str());

  ASSERT_TRUE(end.exited) << "still running after " << took << " ms: " << err;
  EXPECT_EQ(end.status, 143) << err;
  EXPECT_GE(took, 2000);
  EXPECT_LT(took, 60000);
  EXPECT_TRUE(contains(err, "timed out after 2 s")) << err;
  EXPECT_TRUE(contains(err, "cfdeploy: warning: standard output's reader stopped reading")) << err;
}

// Starts `args` with stdout on a pipe nobody reads (and stderr too when `err_path` is
// empty), keeps the reader for 120 s, and says how cfdeploy ended and how long it took.
struct StalledRun {
  Ended end;
  long took = 0;
  std::string err;
};

StalledRun run_with_a_stalled_reader(const std::vector<std::string>& args, bool stderr_too,
                                     const std::vector<std::string>& extra_env = {}) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return {};
  }
  std::string err_path = temp_path("stalled-own.err");
  int err_fd = stderr_too ? out_pipe[1]
                          : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  StalledRun run;
  Clock::time_point start = Clock::now();
  pid_t pid = start_cfdeploy(args, out_pipe[1], err_fd, extra_env);
  close(out_pipe[1]);
  if (!stderr_too) {
    close(err_fd);
  }
  run.end = wait_at_most(pid, milliseconds(120000));
  run.took = elapsed_ms(start);
  close(out_pipe[0]);
  if (!stderr_too) {
    run.err = testing::read_whole_file(err_path);
    std::remove(err_path.c_str());
  }
  return run;
}

// After the child is stopped, cfdeploy's own summary, annotations and messages must
// not wait for the reader either.
TEST(Fault, AReaderThatStopsReadingCannotHoldTheGithubReportPastTheTimeout) {
  std::string output = temp_path("stalled-github-output");
  std::string summary = temp_path("stalled-github-summary");
  StalledRun run = run_with_a_stalled_reader(
      {"run", "--format", "github", "--timeout", "2", "--", k_child, "flood"}, false,
      {"GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary});
  std::string outputs = testing::read_whole_file(output);
  std::remove(output.c_str());
  std::remove(summary.c_str());
  ASSERT_TRUE(run.end.exited) << "still running after " << run.took << " ms: " << run.err;
  EXPECT_EQ(run.end.status, 143) << run.err;
  EXPECT_GE(run.took, 2000);
  EXPECT_LT(run.took, 60000);
  // The step outputs are still written: "exit-code<<DELIMITER", then the value.
  size_t exit_code = outputs.find("exit-code<<");
  ASSERT_NE(exit_code, std::string::npos) << outputs;
  EXPECT_EQ(outputs.find("\n143\n", exit_code), outputs.find('\n', exit_code)) << outputs;
}

TEST(Fault, AReaderOfBothStreamsThatStopsReadingCannotHoldTheSummaryPastTheTimeout) {
  StalledRun run =
      run_with_a_stalled_reader({"run", "--timeout", "2", "--", k_child, "flood"}, true);
  ASSERT_TRUE(run.end.exited) << "still running after " << run.took << " ms";
  EXPECT_EQ(run.end.status, 143);
  EXPECT_GE(run.took, 2000);
  EXPECT_LT(run.took, 60000);
}

TEST(Fault, AChildKilledMidLineKeepsItsPartialLineAndExits137) {
  std::string report = temp_path("killed.json");
  const std::string partial = "Uploading lab-worker: 42% (no newline yet)";
  CommandResult result =
      run_cfdeploy({"run", "--report", report, "--", k_child, "partial-then-kill", partial});
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  EXPECT_EQ(result.exit_code, 137);
  EXPECT_EQ(result.out, partial);  // every byte, although no newline ever came
  EXPECT_TRUE(
      contains(result.err, "cfdeploy: failed after 1 attempt (exit status 137, killed by SIGKILL)"))
      << result.err;
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["attempts"][0]["exit_status"], 137);
  EXPECT_EQ(json["attempts"][0]["signal"], 9);
  EXPECT_EQ(json["outcome"], "failure");
}

TEST(Fault, SigtermDuringTheRetryBackoffStopsPromptlyWith143) {
  int err_pipe[2];
  ASSERT_EQ(pipe2(err_pipe, O_CLOEXEC), 0);
  std::string out_path = temp_path("backoff.out");
  int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(out_fd, 0);
  // The first backoff is 15-25 s with this base delay: far longer than the test.
  pid_t pid = start_cfdeploy(
      {"run", "--retries", "3", "--retry-delay-ms", "20000", "--", k_child, "print-10013"}, out_fd,
      err_pipe[1]);
  close(out_fd);
  close(err_pipe[1]);
  std::string err;
  bool sleeping = read_until(err_pipe[0], err, "cfdeploy: retrying", milliseconds(30000));
  // The note comes just before the wait starts: a signal before the wait is held for it.
  Clock::time_point signalled = Clock::now();
  kill(pid, SIGTERM);
  err += read_to_end(err_pipe[0]);
  Ended end = wait_for_end(pid);
  long stop_ms = elapsed_ms(signalled);
  close(err_pipe[0]);
  std::string out = testing::read_whole_file(out_path);
  std::remove(out_path.c_str());

  ASSERT_TRUE(sleeping) << err;
  EXPECT_TRUE(end.exited) << "killed by the signal instead of reporting it";
  EXPECT_EQ(end.status, 143);
  // The backoff is at least 15 s: ending well before proves the wait was cut short, with
  // room for a busy machine.
  EXPECT_LT(stop_ms, 10000) << "should stop at once, not finish the backoff";
  EXPECT_TRUE(contains(err, "cfdeploy: cancelled by signal 15 after 1 attempt; exit status 143"))
      << err;
  // The first attempt's output was passed through before the wait.
  EXPECT_EQ(out, "Uploading lab-worker\n");
  EXPECT_TRUE(contains(err, "An unknown error has occurred. [code: 10013]")) << err;
  EXPECT_FALSE(contains(err, "attempt 3 of")) << "no further attempt may start";
}

TEST(Fault, AFullDiskForTheReportAndRunnerFilesIsAWarningAndTheStatusStays) {
  CommandResult result = run_cfdeploy(
      {"run", "--format", "github", "--report", "/dev/full", "--", k_child, "print-7403", "1"}, "",
      {"GITHUB_OUTPUT=/dev/full", "GITHUB_STEP_SUMMARY=/dev/full"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "cfdeploy: warning: could not write the report to '/dev/full'"))
      << result.err;
  EXPECT_TRUE(contains(result.err,
                       "cfdeploy: warning: could not write to GITHUB_OUTPUT "
                       "('/dev/full')"))
      << result.err;
  EXPECT_TRUE(contains(result.err,
                       "cfdeploy: warning: could not write to GITHUB_STEP_SUMMARY "
                       "('/dev/full')"))
      << result.err;
  // The outcome still reaches the log (on GitHub, stdout), and so does the child's error.
  EXPECT_TRUE(contains(result.out,
                       "cfdeploy: failed after 1 attempt (exit status 1): "
                       "authorization, code 7403"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "::error title=cfdeploy%3A authorization error (code 7403)"));
  EXPECT_TRUE(contains(result.out, "is not authorized to access this service [code: 7403]"));
}

TEST(Fault, GithubOutputThatIsADirectoryIsAWarningAndTheRestIsWritten) {
  std::string dir = temp_path("output-dir");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  std::string summary = temp_path("summary.md");
  CommandResult result =
      run_cfdeploy({"run", "--format", "github", "--", k_child, "print-7403", "5"}, "",
                   {"GITHUB_OUTPUT=" + dir, "GITHUB_STEP_SUMMARY=" + summary});
  std::string summary_text = testing::read_whole_file(summary);
  std::remove(summary.c_str());
  rmdir(dir.c_str());
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_TRUE(
      contains(result.err, "cfdeploy: warning: could not write to GITHUB_OUTPUT ('" + dir + "')"))
      << result.err;
  EXPECT_TRUE(contains(summary_text, "Account › D1 › Edit")) << summary_text;
  EXPECT_TRUE(contains(result.out, "cfdeploy: failed after 1 attempt (exit status 5)"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "[code: 7403]"));
}

// cfdeploy with a stdout whose reader has gone: a pipe with its read end closed.
struct ClosedStdoutRun {
  Ended end;
  std::string err;
};

ClosedStdoutRun run_with_closed_stdout(const std::vector<std::string>& args,
                                       const std::vector<std::string>& extra_env) {
  int out_pipe[2];
  int err_pipe[2];
  EXPECT_EQ(pipe2(out_pipe, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(err_pipe, O_CLOEXEC), 0);
  close(out_pipe[0]);
  pid_t pid = start_cfdeploy(args, out_pipe[1], err_pipe[1], extra_env);
  close(out_pipe[1]);
  close(err_pipe[1]);
  ClosedStdoutRun run;
  run.err = read_to_end(err_pipe[0]);
  close(err_pipe[0]);
  run.end = wait_for_end(pid);
  return run;
}

// cfdeploy outlives the lost reader, says so on stderr and keeps the child's status.
void expect_stdout_loss_reported(const ClosedStdoutRun& run) {
  EXPECT_TRUE(run.end.exited) << "killed by SIGPIPE";
  EXPECT_EQ(run.end.status, 1);
  EXPECT_TRUE(
      contains(run.err, "cfdeploy: warning: could not write to standard output (Broken pipe)"))
      << run.err;
}

TEST(Fault, AClosedStdoutIsReportedAndTheStepStillRunsToItsOwnStatus) {
  ClosedStdoutRun run = run_with_closed_stdout({"run", "--format", "text", "--", k_child, "inject"},
                                               {"GITHUB_ACTIONS=false"});
  expect_stdout_loss_reported(run);
  // stderr still works: the child's stderr and the verdict are there.
  EXPECT_TRUE(contains(run.err, "::warning::from stderr")) << run.err;
  EXPECT_TRUE(contains(run.err,
                       "cfdeploy: failed after 1 attempt (exit status 1): authorization, "
                       "code 7403"))
      << run.err;
}

TEST(Fault, AClosedStdoutOnGithubIsReportedAndTheOutputsAreStillWritten) {
  std::string output = temp_path("epipe-output");
  std::string summary = temp_path("epipe-summary");
  ClosedStdoutRun run =
      run_with_closed_stdout({"run", "--format", "github", "--", k_child, "inject"},
                             {"GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary});
  std::string outputs = testing::read_whole_file(output);
  std::string summary_text = testing::read_whole_file(summary);
  std::remove(output.c_str());
  std::remove(summary.c_str());
  expect_stdout_loss_reported(run);
  EXPECT_TRUE(contains(outputs, "error-code<<")) << outputs;
  EXPECT_TRUE(contains(outputs, "\n7403\n")) << outputs;
  EXPECT_TRUE(contains(summary_text, "Account › D1 › Edit")) << summary_text;
}

TEST(Fault, AnErrorLineThatIsNotUtf8StillGivesTheReportAndTheStatus) {
  std::string report = temp_path("utf8.json");
  CommandResult result = run_cfdeploy({"run", "--report", report, "--", k_child, "bad-utf8-error"});
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "\xff\xfe")) << "the child's bytes pass through unchanged";
  EXPECT_TRUE(contains(result.err,
                       "cfdeploy: failed after 1 attempt (exit status 1): "
                       "authorization, code 7403"))
      << result.err;
  EXPECT_FALSE(contains(result.err, "terminate called"));
  ASSERT_TRUE(json.is_object()) << "the report is missing or not JSON";
  EXPECT_EQ(json["code"], 7403);
  EXPECT_TRUE(contains(json["evidence"]["text"].get<std::string>(), "\xEF\xBF\xBD"))
      << "invalid bytes become U+FFFD in the report";
}

TEST(Fault, AHundredMebibyteLineAllReachesStdoutAndIsStillClassified) {
  constexpr long k_line = 100L * 1024 * 1024;
  std::string out_path = temp_path("big.out");
  std::string err_path = temp_path("big.err");
  std::string report = temp_path("big.json");
  int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(out_fd, 0);
  ASSERT_GE(err_fd, 0);
  pid_t pid = start_cfdeploy(
      {"run", "--report", report, "--", k_child, "big-line-then-7403", std::to_string(k_line)},
      out_fd, err_fd);
  close(out_fd);
  close(err_fd);
  Ended end = wait_for_end(pid);
  struct stat out_stat {};
  ASSERT_EQ(stat(out_path.c_str(), &out_stat), 0);
  std::string tail;
  {
    std::ifstream in(out_path, std::ios::binary);
    in.seekg(-32, std::ios::end);
    tail.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string err = testing::read_whole_file(err_path);
  nlohmann::json json = read_json(report);
  for (const std::string& path : {out_path, err_path, report}) {
    std::remove(path.c_str());
  }
  EXPECT_EQ(end.status, 1);
  EXPECT_EQ(out_stat.st_size, k_line + 6) << "the line, then \"\\nafter\"";
  EXPECT_EQ(tail.substr(tail.size() - 6), "\nafter");
  EXPECT_TRUE(contains(err,
                       "cfdeploy: failed after 1 attempt (exit status 1): authorization, "
                       "code 7403"))
      << err.substr(0, 2000);
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["truncated_lines"], 1) << "the line was capped for classification";
  EXPECT_EQ(json["class"], "authorization");
}

// Preflight against an API that misbehaves. The fixture project's checks all
// talk to the API, so every check past the token's presence meets the fault.
const std::vector<std::string> k_api_checks = {"token-valid", "account", "d1-database:lab-db",
                                               "d1-write:lab-db", "workers-scripts"};

// `timeout` is preflight's --timeout: tiny only where the test is about the timeout, so a
// busy machine cannot turn an answer into a timeout.
CommandResult run_preflight_against(const std::string& base_url,
                                    const std::vector<std::string>& extra_args = {},
                                    const std::string& timeout = "60") {
  testing::ProcessSpec spec;
  spec.argv = {CFDEPLOY_BINARY, "preflight", "--timeout", timeout};
  spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
  spec.cwd = testing::source_path("tests/fixtures/config/toml");
  spec.extra_env = {"CLOUDFLARE_API_BASE_URL=" + base_url,
                    "CLOUDFLARE_API_TOKEN=fault-test-token-123456", "CLOUDFLARE_ACCOUNT_ID="};
  return testing::run_process(spec);
}

// Every API check could not be checked, none failed, and none blames the token.
void expect_could_not_check(const CommandResult& result, const std::string& why) {
  EXPECT_EQ(result.exit_code, 0) << "no check failed" << result.out << result.err;
  EXPECT_TRUE(contains(result.out,
                       "could not check The API token is valid\n"
                       "                Could not check: " +
                           why))
      << result.out;
  EXPECT_FALSE(contains(result.out, "FAIL")) << result.out;
  EXPECT_FALSE(contains(result.out, "does not recognise the token")) << result.out;
  EXPECT_TRUE(contains(result.out,
                       "Preflight INCONCLUSIVE (nothing failed, but the token could not be "
                       "verified): 2 passed, 0 failed, 5 could not be checked"))
      << result.out;
}

// A loopback server that answers every request with the start of a 200 whose
// body is cut off: the headers promise more than is ever sent.
class TruncatingServer {
public:
  TruncatingServer() {
    m_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(m_listener, 16) != 0 ||
        getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~TruncatingServer() {
    shutdown(m_listener, SHUT_RDWR);  // wakes accept()
    m_thread.join();
    close(m_listener);
  }
  TruncatingServer(const TruncatingServer&) = delete;
  TruncatingServer& operator=(const TruncatingServer&) = delete;

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/client/v4";
  }
  int answered() const { return m_answered; }

private:
  void serve() {
    while (true) {
      int client = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        return;
      }
      std::string request;
      char buffer[4096];
      ssize_t got = 0;
      while (!contains(request, "\r\n\r\n") && (got = read(client, buffer, sizeof buffer)) > 0) {
        request.append(buffer, static_cast<size_t>(got));
      }
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
          R"({"success":true,"errors":[],"messages":[],"result":{"id":"t1","status":"act)";
      ssize_t sent = write(client, answer.data(), answer.size());
      static_cast<void>(sent);
      ++m_answered;
      close(client);
    }
  }

  int m_listener = -1;
  int m_port = 0;
  std::atomic<int> m_answered{0};
  std::thread m_thread;
};

TEST(Fault, PreflightWhenTheApiDropsTheConnectionMidBodyCouldNotCheck) {
  TruncatingServer server;
  Clock::time_point start = Clock::now();
  CommandResult result = run_preflight_against(server.base_url());
  long took = elapsed_ms(start);
  expect_could_not_check(result, "the connection to 127.0.0.1:");
  EXPECT_TRUE(contains(result.out, "closed before a complete answer")) << result.out;
  EXPECT_GE(server.answered(), 5);
  EXPECT_LT(took, 30000) << "should not wait for the 60 s timeout";
}

TEST(Fault, PreflightWhenTheApiStallsPastTheTimeoutCouldNotCheckInTime) {
  testing::FakeCloudflare fake(nlohmann::ordered_json::parse(
      R"({"rules": [{"path": "/client/v4/**", "delay_ms": 4000, "json": {"success": true}}]})"));
  fake.start();
  Clock::time_point start = Clock::now();
  CommandResult result = run_preflight_against(fake.base_url(), {}, "0.4");
  long took = elapsed_ms(start);
  // Each request gives up at 0.4 s: the answer is a timeout, not the fake's late answer.
  expect_could_not_check(result, "no complete answer from 127.0.0.1:");
  EXPECT_TRUE(contains(result.out, "within the 0.4 s timeout")) << result.out;
  EXPECT_GE(took, 400);
  EXPECT_LT(took, 30000);
}

// Bytes that are not JSON, and after the first not even UTF-8.
std::string garbage(size_t size) {
  std::string bytes(size, '\0');
  uint32_t state = 12345;
  for (char& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<char>(state >> 24);
  }
  bytes[0] = 'x';  // so the excerpt starts visibly, then turns into bytes that are not UTF-8
  return bytes;
}

// Every API check in the JSON report could not be checked, and the report is whole.
void expect_json_could_not_check(const CommandResult& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(contains(run.err, "terminate called")) << run.err;
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << run.out.substr(0, 500);
  EXPECT_EQ(report["counts"]["could_not_check"], 5);
  for (const nlohmann::json& check : report["checks"]) {
    std::string id = check["id"];
    if (std::find(k_api_checks.begin(), k_api_checks.end(), id) != k_api_checks.end()) {
      EXPECT_EQ(check["status"], "could_not_check") << id;
    }
  }
}

TEST(Fault, PreflightWhenTheApiSendsAMegabyteOfGarbageCouldNotCheck) {
  nlohmann::ordered_json rule = {{"path", "/client/v4/**"}, {"text", garbage(1 << 20)}};
  testing::FakeCloudflare fake(nlohmann::ordered_json{{"rules", {rule}}});
  fake.start();
  CommandResult text = run_preflight_against(fake.base_url());
  CommandResult json_run = run_preflight_against(fake.base_url(), {"--format", "json"});
  expect_could_not_check(text, "HTTP 200 with a body that is not a Cloudflare JSON answer");
  expect_json_could_not_check(json_run);
}

// The answer is capped while it is read, so ten megabytes are never held in memory.
TEST(Fault, PreflightWhenTheApiSendsTenMegabytesCouldNotCheckTheAnswerWasTooLarge) {
  nlohmann::ordered_json rule = {{"path", "/client/v4/**"}, {"text", garbage(10 << 20)}};
  testing::FakeCloudflare fake(nlohmann::ordered_json{{"rules", {rule}}});
  fake.start();
  CommandResult text = run_preflight_against(fake.base_url());
  CommandResult json_run = run_preflight_against(fake.base_url(), {"--format", "json"});
  expect_could_not_check(text, "the answer was too large: 127.0.0.1:");
  EXPECT_TRUE(contains(text.out, "sent more than 4 MiB")) << text.out;
  expect_json_could_not_check(json_run);
}

// `{"success": [[[…]]]}` or `{"success": true, "result": [[[…]]]}` nested `depth` deep:
// well under the size cap, but a tree that deep would overflow the stack.
std::string deeply_nested_answer(const std::string& field, size_t depth) {
  std::string prefix = field == "result" ? R"({"success":true,"result":)" : R"({"success":)";
  return prefix + std::string(depth, '[') + std::string(depth, ']') + "}";
}

nlohmann::ordered_json answering_every_request(const std::string& body) {
  nlohmann::ordered_json rule = {
      {"path", "/client/v4/**"}, {"content_type", "application/json"}, {"text", body}};
  return nlohmann::ordered_json{{"rules", {rule}}};
}

TEST(Fault, PreflightWhenTheApiNestsItsAnswerTooDeepCouldNotCheck) {
  for (std::string field : {"success", "result"}) {
    size_t depth = field == "success" ? 100000 : 1000000;
    testing::FakeCloudflare fake(answering_every_request(deeply_nested_answer(field, depth)));
    fake.start();
    CommandResult text = run_preflight_against(fake.base_url());
    CommandResult json_run = run_preflight_against(fake.base_url(), {"--format", "json"});
    expect_could_not_check(text,
                           "HTTP 200 with a body that is not a Cloudflare JSON answer (nested "
                           "more than 256 levels deep)");
    expect_json_could_not_check(json_run);
  }
}

// A wrangler.toml that nests past the cap by dotted keys or by a table header, 120 KB.
TEST(Fault, PreflightRefusesADeeplyDottedTomlWithoutCrashing) {
  std::string dotted = "a";
  for (int i = 1; i < 60000; ++i) {
    dotted += ".a";
  }
  for (const std::string& text : {dotted + " = 1\n", "name = \"w\"\n[" + dotted + "]\nx = 1\n"}) {
    std::string dir = temp_path("deep-toml");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/wrangler.toml") << text;
    CommandResult result = run_cfdeploy({"preflight", "-C", dir}, "", {});
    std::filesystem::remove_all(dir);
    EXPECT_FALSE(contains(result.err, "Segmentation")) << result.err;
    EXPECT_TRUE(result.exit_code == 1 || result.exit_code == 2) << result.exit_code << result.err;
    EXPECT_TRUE(contains(result.out + result.err, "nested more than 64 levels deep"))
        << result.out << result.err;
  }
}

// An API that sends its headers one byte at a time, each byte well inside any read timeout.
const std::chrono::milliseconds k_trickle{250};
const std::chrono::milliseconds k_stall{60000};  // then it closes the connection

TEST(Fault, PreflightWhenTheApiTricklesItsHeadersEndsAtItsTimeout) {
  testing::SlowServer server(k_trickle, k_stall);
  Clock::time_point start = Clock::now();
  CommandResult result = run_preflight_against(server.base_url(), {}, "2");
  long took = elapsed_ms(start);
  expect_could_not_check(result, "no complete answer from 127.0.0.1:");
  EXPECT_TRUE(contains(result.out, "within the 2.0 s timeout")) << result.out;
  EXPECT_GE(server.requests(), 5);
  EXPECT_GE(took, 2000);
  EXPECT_LT(took, 30000) << "the whole request has a deadline, not only each read";
}

// OpenSSL writes without MSG_NOSIGNAL: after the deadline shuts the socket down, TLS's
// goodbye must fail as an error, not kill cfdeploy with SIGPIPE.
TEST(Fault, PreflightWhenAnHttpsApiTricklesItsHeadersEndsAtItsTimeout) {
  std::string cert = temp_path("slow-cert.pem");
  std::string key = temp_path("slow-key.pem");
  testing::generate_self_signed_cert(cert, key);
  testing::SlowServer server(k_trickle, k_stall, cert, key);
  Clock::time_point start = Clock::now();
  CommandResult result = run_preflight_against(server.base_url(), {"--ca-file", cert}, "2");
  long took = elapsed_ms(start);
  std::remove(cert.c_str());
  std::remove(key.c_str());
  expect_could_not_check(result, "no complete answer from 127.0.0.1:");
  EXPECT_GE(server.requests(), 5) << "the TLS handshakes did not complete";
  EXPECT_GE(took, 2000);
  EXPECT_LT(took, 30000);
}

std::vector<std::string> api_env(const std::string& base_url) {
  return {"CLOUDFLARE_API_BASE_URL=" + base_url, "CLOUDFLARE_API_TOKEN=fault-test-token-123456",
          "CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef"};
}

// What a signalled cfdeploy printed and how it ended.
struct SignalledRun {
  bool reached_the_api = false;
  Ended end;
  long stop_ms = 0;  // from the signal to the end
  std::string out;
  std::string err;
};

// Starts cfdeploy against `server`, sends SIGTERM once a request is in flight, and waits.
SignalledRun sigterm_while_asking(testing::SlowServer& server,
                                  const std::vector<std::string>& args) {
  std::string out_path = temp_path("signalled.out");
  std::string err_path = temp_path("signalled.err");
  int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_t pid = start_cfdeploy(args, out_fd, err_fd, api_env(server.base_url()));
  close(out_fd);
  close(err_fd);
  SignalledRun run;
  run.reached_the_api = server.wait_for_requests(1, milliseconds(30000));
  Clock::time_point signalled = Clock::now();
  kill(pid, SIGTERM);
  run.end = wait_for_end(pid);
  run.stop_ms = elapsed_ms(signalled);
  run.out = testing::read_whole_file(out_path);
  run.err = testing::read_whole_file(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return run;
}

TEST(Fault, PreflightStopsPromptlyAtSigtermAndReportsWhatItFound) {
  testing::SlowServer server(k_trickle, k_stall);
  SignalledRun run = sigterm_while_asking(
      server,
      {"preflight", "--timeout", "100", "-C", testing::source_path("tests/fixtures/config/toml")});
  ASSERT_TRUE(run.reached_the_api) << run.err;
  EXPECT_TRUE(run.end.exited) << "killed by the signal instead of reporting it";
  EXPECT_EQ(run.end.status, 143);
  EXPECT_LT(run.stop_ms, 20000) << "should stop at once, not at the stall's end";
  EXPECT_TRUE(contains(run.out, "Could not check: the request to 127.0.0.1:")) << run.out;
  EXPECT_TRUE(contains(run.out, "was cancelled by signal 15")) << run.out;
  EXPECT_FALSE(contains(run.out, "FAIL")) << run.out;
  EXPECT_TRUE(contains(run.err, "cfdeploy: preflight was cancelled by signal 15; exit status 143"))
      << run.err;
}

// `run` with a command that fails with wrangler's 10000, so cfdeploy asks the API about the
// token afterwards.
std::vector<std::string> run_failing_with_10000(const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(),
              {"--", "/bin/sh", "-c", "cat \"$0\"; exit 1",
               testing::source_path("tests/fixtures/wrangler/deploy-upload-10000.log")});
  return args;
}

TEST(Fault, RunTimeoutAlsoBoundsTheTokenCheckAfterA10000) {
  testing::SlowServer server(k_trickle, k_stall);
  Clock::time_point start = Clock::now();
  CommandResult result =
      run_cfdeploy(run_failing_with_10000({"--timeout", "3"}), "", api_env(server.base_url()));
  long took = elapsed_ms(start);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_GE(server.requests(), 1) << "the token was not checked";
  EXPECT_TRUE(contains(result.err,
                       "cfdeploy: token check: Could not verify the token (no complete answer "
                       "from 127.0.0.1:"))
      << result.err;
  EXPECT_GE(took, 3000) << "the check may use what is left of the step's 3 s";
  EXPECT_LT(took, 30000) << "the check must end with the step's --timeout";
}

TEST(Fault, TheTokenCheckAfterA10000SurvivesADeeplyNestedAnswer) {
  testing::FakeCloudflare fake(answering_every_request(deeply_nested_answer("success", 100000)));
  fake.start();
  CommandResult result = run_cfdeploy(run_failing_with_10000({}), "", api_env(fake.base_url()));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(contains(result.err,
                       "cfdeploy: token check: Could not verify the token (HTTP 200 with a body "
                       "that is not a Cloudflare JSON answer (nested more than 256 levels deep)"))
      << result.err;
}

TEST(Fault, SigtermDuringTheTokenCheckAfterA10000StopsPromptlyWith143) {
  testing::SlowServer server(k_trickle, k_stall);
  std::string report = temp_path("token-check-report.json");
  SignalledRun run = sigterm_while_asking(server, run_failing_with_10000({"--report", report}));
  nlohmann::json json = read_json(report);
  std::remove(report.c_str());
  ASSERT_TRUE(run.reached_the_api) << run.err;
  EXPECT_TRUE(run.end.exited) << "killed by the signal instead of reporting it";
  EXPECT_EQ(run.end.status, 143);
  EXPECT_LT(run.stop_ms, 20000) << "should stop at once, not at the stall's end";
  EXPECT_TRUE(
      contains(run.err, "cfdeploy: cancelled by signal 15 after 1 attempt; exit status 143"))
      << run.err;
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["cancelled_by_signal"], 15);
  EXPECT_TRUE(contains(json["token_check"].dump(),
                       "was cancelled by signal 15), so the 10000 stays ambiguous"))
      << json["token_check"];
}

// `deploy --preflight` against the fixture project, with `wrangler` standing in for wrangler.
std::vector<std::string> deploy_with_preflight(const std::vector<std::string>& flags,
                                               const std::string& wrangler = "true") {
  std::vector<std::string> args = {
      "deploy", "--preflight", "--wrangler",
      wrangler, "-C",          testing::source_path("tests/fixtures/config/toml")};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

// A preflight that waits out the whole --timeout leaves wrangler no time: the step
// timed out, and wrangler (which would print its arguments at once) never started.
TEST(Fault, DeployTimeoutAlsoBoundsItsPreflight) {
  testing::SlowServer server(k_trickle, k_stall);
  Clock::time_point start = Clock::now();
  CommandResult result = run_cfdeploy(deploy_with_preflight({"--timeout", "3"}, k_child + " args"),
                                      "", api_env(server.base_url()));
  long took = elapsed_ms(start);
  EXPECT_GE(server.requests(), 1);
  EXPECT_TRUE(contains(result.err, "Could not check: no complete answer from 127.0.0.1:"))
      << result.err;
  EXPECT_EQ(result.exit_code, 143) << result.err;
  EXPECT_TRUE(contains(result.err, "timed out after 3 s")) << result.err;
  EXPECT_FALSE(contains(result.out, "args deploy")) << "wrangler started: " << result.out;
  EXPECT_GE(took, 3000);
  EXPECT_LT(took, 30000) << "preflight must end with the step's --timeout";
}

TEST(Fault, SigtermDuringTheDeployPreflightStopsPromptlyWith143) {
  testing::SlowServer server(k_trickle, k_stall);
  SignalledRun run = sigterm_while_asking(server, deploy_with_preflight({}));
  ASSERT_TRUE(run.reached_the_api) << run.err;
  EXPECT_TRUE(run.end.exited) << "killed by the signal instead of reporting it";
  EXPECT_EQ(run.end.status, 143);
  EXPECT_LT(run.stop_ms, 20000) << "should stop at once, not at the stall's end";
  EXPECT_TRUE(contains(run.err, "was cancelled by signal 15")) << run.err;
  EXPECT_TRUE(contains(run.err, "cfdeploy: preflight was cancelled, so wrangler was not started"))
      << run.err;
}

}  // namespace
}  // namespace cfdeploy
