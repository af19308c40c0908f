// SIGINT and SIGTERM routed to a self-pipe: a SignalTrap installs the handler for its
// lifetime and gives back the previous dispositions when destroyed, so a poll loop can wait
// for a signal next to its other descriptors. Traps nest: a signal that arrives while only
// an outer trap (a SignalHold) is installed is kept and replayed into the next inner one.
// Internal to the process layer; signal_trap.cc also implements process.h's SignalHold,
// CancelOnSignal and interruptible_sleep over it.
#pragma once

#include <csignal>
#include <utility>
#include <vector>

#include "error.h"
#include "posix_io.h"

namespace cfdeploy {

/// Routes SIGINT/SIGTERM to a self-pipe (and optionally ignores SIGPIPE)
/// until destroyed, when the previous dispositions come back.
class SignalTrap {
public:
  SignalTrap() = default;
  SignalTrap(const SignalTrap&) = delete;
  SignalTrap& operator=(const SignalTrap&) = delete;
  ~SignalTrap();

  /// An Error when the pipe or a handler could not be set up; signals then keep (or, for
  /// the handlers already set, get back at destruction) their previous dispositions.
  Result<void> install(bool ignore_sigpipe);

  /// Readable while a caught signal is pending.
  int read_fd() const { return m_pipe.read.get(); }

  /// The next caught signal number, or 0 if none is pending.
  int take_signal() const;

private:
  Result<void> set_handler(int signo, void (*handler)(int));

  Pipe m_pipe;
  bool m_installed = false;
  int m_previous_fd = -1;
  std::vector<std::pair<int, struct sigaction>> m_saved;
};

}  // namespace cfdeploy
