#include "line_splitter.h"

#include <utility>

namespace cfdeploy {

LineSplitter::LineSplitter(LineHandler on_line, size_t max_line)
    : m_on_line(std::move(on_line)), m_max_line(max_line) {}

void LineSplitter::feed(std::string_view chunk) {
  size_t start = 0;
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (c != '\n' && c != '\r') {
      continue;
    }
    // The "\n" of a "\r\n" pair ends nothing: the "\r" already did.
    bool second_half_of_crlf = c == '\n' && m_after_cr && i == start;
    if (!second_half_of_crlf) {
      append(chunk.substr(start, i - start));
      emit();
    }
    m_after_cr = c == '\r';
    start = i + 1;
  }
  if (start < chunk.size()) {
    m_after_cr = false;
    append(chunk.substr(start));
  }
}

void LineSplitter::finish() {
  if (!m_pending.empty() || m_pending_cut) {
    emit();
  }
}

void LineSplitter::append(std::string_view bytes) {
  size_t room = m_max_line - m_pending.size();
  if (bytes.size() > room) {
    m_pending.append(bytes.substr(0, room));
    m_pending_cut = true;
    return;
  }
  m_pending.append(bytes);
}

void LineSplitter::emit() {
  if (m_pending_cut) {
    ++m_truncated;
  }
  m_on_line(m_pending);
  m_pending.clear();
  m_pending_cut = false;
}

}  // namespace cfdeploy
