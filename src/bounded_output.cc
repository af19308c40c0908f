#include "bounded_output.h"

namespace cfdeploy {
namespace {

std::optional<std::chrono::steady_clock::time_point> g_output_deadline;

}  // namespace

void set_output_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
  g_output_deadline = deadline;
}

std::optional<std::chrono::steady_clock::time_point> output_deadline() { return g_output_deadline; }

WriteStatus write_output(int fd, std::string_view bytes) {
  return write_until(fd, bytes, g_output_deadline);
}

std::streamsize BoundedFdBuffer::xsputn(const char* bytes, std::streamsize count) {
  std::string_view text(bytes, static_cast<size_t>(count));
  return write_output(m_fd, text) == WriteStatus::written ? count : 0;
}

BoundedFdBuffer::int_type BoundedFdBuffer::overflow(int_type byte) {
  if (traits_type::eq_int_type(byte, traits_type::eof())) {
    return traits_type::not_eof(byte);
  }
  char one = traits_type::to_char_type(byte);
  return xsputn(&one, 1) == 1 ? byte : traits_type::eof();
}

}  // namespace cfdeploy
