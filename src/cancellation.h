// A run that SIGINT or SIGTERM cuts short: set once (from a signal watcher), seen by every
// thread working for the run. Work that blocks, such as an HTTP request waiting on a socket,
// registers a wake-up so it ends at once instead of at its own timeout.
#pragma once

#include <functional>
#include <map>
#include <mutex>

namespace cfdeploy {

class Cancellation {
public:
  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  /// Cancels with `signal` (the first one is kept) and calls every registered wake-up.
  void cancel(int signal);
  /// The signal that cancelled the run, or 0 while it runs on.
  int signal() const;

  /// Calls `wake` when the run is cancelled, at once if it already is. Returns an id for
  /// forget(); once forget() returns, `wake` is not running and will not be called.
  int on_cancel(std::function<void()> wake);
  void forget(int id);

private:
  mutable std::mutex m_mutex;
  int m_signal = 0;
  int m_next_id = 0;
  std::map<int, std::function<void()>> m_wakes;
};

}  // namespace cfdeploy
