// Turns a byte stream into lines without ever holding more than one line:
// a line longer than the cap is cut, and the cut is counted so reports can
// say so.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace cfdeploy {

class LineSplitter {
public:
  /// Longest line kept; the rest of a longer line is dropped (not its newline).
  static constexpr size_t k_default_max_line = size_t{64} * 1024;

  using LineHandler = std::function<void(std::string_view line)>;

  explicit LineSplitter(LineHandler on_line, size_t max_line = k_default_max_line);

  /// Feeds the next chunk; calls the handler for every complete line, without
  /// its terminator. "\n", "\r\n" and a lone "\r" (progress redraws) end a line.
  void feed(std::string_view chunk);

  /// Flushes a last line that had no terminator.
  void finish();

  size_t truncated_lines() const { return m_truncated; }

private:
  static const char* find(const char* begin, const char* end, char byte);
  void take_line(std::string_view line);
  void append(std::string_view bytes);
  void emit();

  LineHandler m_on_line;
  size_t m_max_line;
  std::string m_pending;
  bool m_pending_cut = false;
  bool m_after_cr = false;
  size_t m_truncated = 0;
};

}  // namespace cfdeploy
