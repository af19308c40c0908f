#include "signal_trap.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <thread>

#include "process.h"

namespace cfdeploy {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Write end of the active self-pipe, and the last signal no trap has taken yet: the
// signal handler's only state.
std::atomic<int> g_signal_fd{-1};
std::atomic<int> g_pending_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

void on_signal(int signo) {
  int saved_errno = errno;  // the interrupted code may be inspecting errno
  g_pending_signal.store(signo);
  auto byte = static_cast<unsigned char>(signo);
  ssize_t written = write(g_signal_fd.load(), &byte, 1);
  static_cast<void>(written);  // a full pipe already holds a pending signal
  errno = saved_errno;
}

}  // namespace

SignalTrap::~SignalTrap() {
  // In reverse order; clang 14 cannot compile libstdc++ 12's reverse_view.
  // NOLINTNEXTLINE(modernize-loop-convert)
  for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
    sigaction(it->first, &it->second, nullptr);
  }
  if (m_installed) {
    g_signal_fd.store(m_previous_fd);
  }
}

Result<void> SignalTrap::install(bool ignore_sigpipe) {
  Result<Pipe> created = make_pipe(O_NONBLOCK);  // the handler must never block
  if (!created) {
    return created.error();
  }
  m_pipe = std::move(created.value());
  m_previous_fd = g_signal_fd.exchange(m_pipe.write.get());
  m_installed = true;
  for (int signo : {SIGINT, SIGTERM}) {
    if (Result<void> set = set_handler(signo, on_signal); !set) {
      return set;
    }
  }
  // One that arrived under a SignalHold, while no trap was there to take it.
  if (int pending = g_pending_signal.load()) {
    auto byte = static_cast<unsigned char>(pending);
    static_cast<void>(write(m_pipe.write.get(), &byte, 1));
  }
  return ignore_sigpipe ? set_handler(SIGPIPE, SIG_IGN) : Result<void>();
}

int SignalTrap::take_signal() const {
  unsigned char byte = 0;  // stays 0 when the pipe is empty (EAGAIN)
  while (read(m_pipe.read.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  if (byte != 0) {
    g_pending_signal.store(0);
  }
  return byte;
}

Result<void> SignalTrap::set_handler(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  if (sigaction(signo, &action, &previous) != 0) {
    return libc_error("sigaction");
  }
  m_saved.emplace_back(signo, previous);
  return {};
}

// An outer trap whose pipe nobody reads: what matters is g_pending_signal, which the next
// inner trap replays.
struct SignalHold::Trap {
  SignalTrap trap;
};

SignalHold::SignalHold() : m_trap(std::make_unique<Trap>()) {
  g_pending_signal.store(0);
  static_cast<void>(m_trap->trap.install(false));  // if it fails, signals kill us as before
}

SignalHold::~SignalHold() = default;

// The trap, and a pipe that tells the watcher thread to stop.
struct CancelOnSignal::Watcher {
  SignalTrap trap;
  Pipe stop;
  std::thread thread;

  void watch(Cancellation& cancellation) const {
    while (true) {
      std::array<pollfd, 2> fds = {pollfd{trap.read_fd(), POLLIN, 0},
                                   pollfd{stop.read.get(), POLLIN, 0}};
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      if (int signo = trap.take_signal()) {
        cancellation.cancel(signo);
      }
    }
  }
};

CancelOnSignal::CancelOnSignal(Cancellation& cancellation)
    : m_watcher(std::make_unique<Watcher>()) {
  Result<Pipe> stop = make_pipe(O_NONBLOCK);
  if (!stop || !m_watcher->trap.install(false)) {
    return;  // signals do what they did before: kept by a SignalHold, else fatal
  }
  m_watcher->stop = std::move(stop.value());
  m_watcher->thread =
      std::thread([watcher = m_watcher.get(), &cancellation] { watcher->watch(cancellation); });
}

CancelOnSignal::~CancelOnSignal() {
  if (m_watcher->thread.joinable()) {
    // Only fails if the watcher's end were gone; join() below would then not wait anyway.
    static_cast<void>(write_all(m_watcher->stop.write.get(), "x"));
    m_watcher->thread.join();
  }
}

int interruptible_sleep(std::chrono::milliseconds duration) {
  SignalTrap trap;
  if (!trap.install(false)) {
    std::this_thread::sleep_for(duration);  // cannot catch signals; still wait
    return 0;
  }
  Clock::time_point deadline = Clock::now() + duration;
  while (true) {
    if (int signo = trap.take_signal()) {
      return signo;
    }
    int64_t left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return 0;
    }
    pollfd fd{trap.read_fd(), POLLIN, 0};
    poll(&fd, 1, static_cast<int>(std::min<int64_t>(left, INT_MAX)));  // EINTR: loop again
  }
}

}  // namespace cfdeploy
