// Running one child process under supervision: no shell, stdin from
// /dev/null, the child in its own process group, both output streams handed
// to a sink as they arrive, a deadline, and the signals of a cancelled job
// passed on to the child.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cancellation.h"
#include "error.h"
#include "stream.h"

namespace cfdeploy {

/// Receives the child's output as it arrives, chunk by chunk, in the order
/// read from each pipe. Called on the supervising thread.
class OutputSink {
public:
  virtual ~OutputSink() = default;
  virtual void on_output(Stream stream, std::string_view bytes) = 0;
};

struct SpawnRequest {
  std::vector<std::string> argv;       // argv[0] is looked up in PATH
  std::vector<std::string> extra_env;  // "NAME=value", added to (or replacing in) our env
  std::string working_directory;       // empty: ours
  std::optional<std::chrono::milliseconds> timeout;  // whole-run deadline
  std::chrono::milliseconds kill_grace{5000};        // SIGTERM to SIGKILL
};

struct ChildExit {
  bool signalled = false;
  int exit_code = 0;         // valid when !signalled
  int signal = 0;            // valid when signalled
  bool timed_out = false;    // we stopped it at the deadline
  int forwarded_signal = 0;  // SIGINT/SIGTERM we received and passed on, or 0
  std::chrono::milliseconds duration{0};

  /// The shell's convention: the exit code, or 128 + signal.
  int shell_status() const { return signalled ? 128 + signal : exit_code; }
};

/// Interface so the step logic can be tested without processes.
class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;
  /// Runs the child to completion. An Error means it could not be started
  /// (e.g. the program does not exist); the message names the program.
  virtual Result<ChildExit> run(const SpawnRequest& request, OutputSink& sink) = 0;
};

/// posix_spawnp-based runner. While it runs, SIGINT and SIGTERM sent to us
/// are forwarded to the child's process group instead of killing us.
class PosixProcessRunner : public ProcessRunner {
public:
  Result<ChildExit> run(const SpawnRequest& request, OutputSink& sink) override;
};

/// For its lifetime SIGINT and SIGTERM do not kill us: one that arrives while
/// no child runs and no sleep waits (between an attempt and its backoff, say)
/// is kept and handed to the next child run or sleep, which then stops.
class SignalHold {
public:
  SignalHold();
  ~SignalHold();
  SignalHold(const SignalHold&) = delete;
  SignalHold& operator=(const SignalHold&) = delete;

private:
  struct Trap;
  std::unique_ptr<Trap> m_trap;
};

/// For its lifetime SIGINT and SIGTERM (and one a SignalHold kept) cancel `cancellation`
/// instead of killing us. A watcher thread takes them, so work on every thread sees the
/// cancellation, and the caller decides what to report and how to exit.
class CancelOnSignal {
public:
  explicit CancelOnSignal(Cancellation& cancellation);
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

private:
  struct Watcher;
  std::unique_ptr<Watcher> m_watcher;
};

/// Sleeps up to `duration`; returns early with the signal number if SIGINT or
/// SIGTERM arrives (used between retries so a cancelled job stops at once).
int interruptible_sleep(std::chrono::milliseconds duration);

/// Writes all of `bytes` to `fd`, retrying on EINTR and short writes. Returns
/// false on an error such as EPIPE (the reader went away).
bool write_all(int fd, std::string_view bytes);

enum class WriteStatus { written, failed, past_deadline };

/// write_all that a reader who stopped reading cannot hold past `deadline`: while the
/// reader keeps up, every byte is written, however late; once `fd` would block past the
/// deadline, the rest is left unwritten (past_deadline). Without a deadline, write_all.
WriteStatus write_until(int fd, std::string_view bytes,
                        std::optional<std::chrono::steady_clock::time_point> deadline);

}  // namespace cfdeploy
