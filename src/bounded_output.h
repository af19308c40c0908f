// cfdeploy's own writes to stdout and stderr while a step with a --timeout runs. A
// reader that stopped reading must not hold cfdeploy long past the step's deadline:
// from the deadline set here on, what the reader will not take is left out. With no
// deadline set, every write waits for the reader, as an iostream write does.
#pragma once

#include <chrono>
#include <optional>
#include <streambuf>
#include <string_view>

#include "process.h"

namespace cfdeploy {

/// The time after which our own writes stop waiting for a reader; nullopt: never.
void set_output_deadline(std::optional<std::chrono::steady_clock::time_point> deadline);
std::optional<std::chrono::steady_clock::time_point> output_deadline();

/// write_until(fd, bytes, output_deadline()).
WriteStatus write_output(int fd, std::string_view bytes);

/// An unbuffered stream buffer over `fd` that writes through write_output, so an
/// std::ostream on it (annotations, the summary) honours the output deadline. A write
/// that failed or was left out puts the stream in a failed state.
class BoundedFdBuffer : public std::streambuf {
public:
  explicit BoundedFdBuffer(int fd) : m_fd(fd) {}

protected:
  std::streamsize xsputn(const char* bytes, std::streamsize count) override;
  int_type overflow(int_type byte) override;

private:
  int m_fd;
};

}  // namespace cfdeploy
