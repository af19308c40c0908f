#include "posix_io.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdint>
#include <utility>

#include "process.h"

namespace cfdeploy {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Waits until `fd` takes at least PIPE_BUF bytes without blocking; false once `deadline`
// passed first. An error or a closed reader counts as writable: the write then says which.
bool wait_writable(int fd, std::optional<Clock::time_point> deadline) {
  while (true) {
    int timeout_ms = -1;
    if (deadline) {
      int64_t left = std::chrono::ceil<milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
    }
    pollfd ready{fd, POLLOUT, 0};
    int rc = poll(&ready, 1, timeout_ms);
    if (rc > 0) {
      return true;
    }
    if (rc == 0) {
      return false;
    }
    if (errno != EINTR) {
      return true;
    }
  }
}

WriteStatus write_fully(int fd, std::string_view bytes, std::optional<Clock::time_point> deadline) {
  while (!bytes.empty()) {
    // A pipe that polls writable takes PIPE_BUF bytes at once; a larger write could block.
    if (deadline && !wait_writable(fd, deadline)) {
      return WriteStatus::past_deadline;
    }
    size_t chunk = deadline ? std::min<size_t>(bytes.size(), PIPE_BUF) : bytes.size();
    ssize_t written = write(fd, bytes.data(), chunk);
    if (written < 0 && errno == EAGAIN) {
      // A non-blocking descriptor someone else set up: wait as a blocking write would.
      if (!wait_writable(fd, deadline)) {
        return WriteStatus::past_deadline;
      }
      continue;
    }
    if (written < 0 && errno != EINTR) {
      return WriteStatus::failed;
    }
    bytes.remove_prefix(written < 0 ? 0 : static_cast<size_t>(written));
  }
  return WriteStatus::written;
}

}  // namespace

Error libc_error(const char* call, int error_number) {
  return Error{call, system_error_text(error_number)};
}

Fd::Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

Fd& Fd::operator=(Fd&& other) noexcept {
  std::swap(m_fd, other.m_fd);
  return *this;
}

void Fd::reset() {
  if (m_fd >= 0) {
    close(m_fd);
    m_fd = -1;
  }
}

Result<Pipe> make_pipe(int flags) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | flags) != 0) {
    return libc_error("pipe2");
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

WriteStatus write_until(int fd, std::string_view bytes, std::optional<Clock::time_point> deadline) {
  // Block SIGPIPE in this thread, so a reader that went away gives EPIPE
  // rather than killing us, then discard the SIGPIPE the write raised.
  sigset_t sigpipe_only;
  sigemptyset(&sigpipe_only);
  sigaddset(&sigpipe_only, SIGPIPE);
  sigset_t previous;
  sigset_t pending;
  pthread_sigmask(SIG_BLOCK, &sigpipe_only, &previous);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  WriteStatus status = write_fully(fd, bytes, deadline);
  if (status == WriteStatus::failed && errno == EPIPE && !was_pending) {
    timespec no_wait{};
    while (sigtimedwait(&sigpipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
    errno = EPIPE;  // for the caller's message
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

bool write_all(int fd, std::string_view bytes) {
  return write_until(fd, bytes, std::nullopt) == WriteStatus::written;
}

}  // namespace cfdeploy
