#include "line_splitter.h"

#include <cstring>
#include <utility>

namespace cfdeploy {

LineSplitter::LineSplitter(LineHandler on_line, size_t max_line)
    : m_on_line(std::move(on_line)), m_max_line(max_line) {}

void LineSplitter::feed(std::string_view chunk) {
  const char* pos = chunk.data();
  const char* end = pos + chunk.size();
  // The "\n" of a "\r\n" split across chunks ends nothing: the "\r" did.
  if (m_after_cr && pos < end && *pos == '\n') {
    ++pos;
  }
  m_after_cr = false;
  // Carriage returns are rare: find the next one once per chunk, not per line.
  const char* next_cr = find(pos, end, '\r');
  while (pos < end) {
    if (next_cr != nullptr && next_cr < pos) {
      next_cr = find(pos, end, '\r');
    }
    const char* newline = find(pos, next_cr != nullptr ? next_cr : end, '\n');
    const char* stop = newline != nullptr ? newline : next_cr;
    if (stop == nullptr) {
      append(std::string_view(pos, static_cast<size_t>(end - pos)));
      return;
    }
    take_line(std::string_view(pos, static_cast<size_t>(stop - pos)));
    if (*stop == '\r') {
      if (stop + 1 == end) {
        m_after_cr = true;
      } else if (stop[1] == '\n') {
        ++stop;
      }
    }
    pos = stop + 1;
  }
}

const char* LineSplitter::find(const char* begin, const char* end, char byte) {
  return static_cast<const char*>(std::memchr(begin, byte, static_cast<size_t>(end - begin)));
}

void LineSplitter::take_line(std::string_view line) {
  if (m_pending.empty() && !m_pending_cut && line.size() <= m_max_line) {
    m_on_line(line);  // the whole line is inside the chunk: no copy
    return;
  }
  append(line);
  emit();
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
