#include "cancellation.h"

namespace cfdeploy {

void Cancellation::cancel(int signal) {
  // Wake-ups run under the lock, so forget() can promise that none is still running.
  std::lock_guard lock(m_mutex);
  if (m_signal != 0) {
    return;
  }
  m_signal = signal;
  for (auto& [id, wake] : m_wakes) {
    wake();
  }
}

int Cancellation::signal() const {
  std::lock_guard lock(m_mutex);
  return m_signal;
}

int Cancellation::on_cancel(std::function<void()> wake) {
  std::lock_guard lock(m_mutex);
  if (m_signal != 0) {
    wake();
  }
  int id = m_next_id++;
  m_wakes.emplace(id, std::move(wake));
  return id;
}

void Cancellation::forget(int id) {
  std::lock_guard lock(m_mutex);
  m_wakes.erase(id);
}

}  // namespace cfdeploy
