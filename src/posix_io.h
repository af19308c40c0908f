// The process layer's descriptors: an owned descriptor that closes itself, a close-on-exec
// pipe, and libc failures as Errors naming the call. Internal to the process layer
// (process_posix.cc, signal_trap.cc); posix_io.cc also implements process.h's writes,
// write_all and write_until.
#pragma once

#include <cerrno>

#include "error.h"

namespace cfdeploy {

/// A libc call's failure: "pipe2: Too many open files".
Error libc_error(const char* call, int error_number = errno);

/// Owns one descriptor and closes it when reset or destroyed; -1 when it owns none.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept;
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  void reset();

private:
  int m_fd = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

/// A pipe whose ends are close-on-exec, with `flags` (O_NONBLOCK, say) added to both.
Result<Pipe> make_pipe(int flags);

}  // namespace cfdeploy
