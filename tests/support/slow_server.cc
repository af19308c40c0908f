#include "support/slow_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace cfdeploy::testing {

using Clock = std::chrono::steady_clock;

SlowServer::SlowServer(std::chrono::milliseconds interval, std::chrono::milliseconds stall)
    : m_interval(interval), m_stall(stall) {
  m_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (m_listener < 0 || bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(m_listener, 64) != 0 ||
      getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot listen on loopback");
  }
  m_port = ntohs(address.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

SlowServer::~SlowServer() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  shutdown(m_listener, SHUT_RDWR);  // wakes accept()
  m_acceptor.join();
  for (std::thread& connection : m_connections) {
    connection.join();
  }
  close(m_listener);
}

std::string SlowServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(m_port) + "/client/v4";
}

bool SlowServer::wait_for_requests(int count, std::chrono::milliseconds limit) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, limit, [&] { return m_requests >= count; });
}

void SlowServer::accept_loop() {
  while (true) {
    int client = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      return;
    }
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
      close(client);
      return;
    }
    m_connections.emplace_back([this, client] { trickle(client); });
  }
}

void SlowServer::trickle(int client) {
  std::string request;
  char buffer[4096];
  ssize_t got = 0;
  while (request.find("\r\n\r\n") == std::string::npos &&
         (got = read(client, buffer, sizeof buffer)) > 0) {
    request.append(buffer, static_cast<size_t>(got));
  }
  {
    std::lock_guard lock(m_mutex);
    ++m_requests;
  }
  m_changed.notify_all();
  // A header line that grows by one byte per interval: never complete, never idle.
  const std::string start = "HTTP/1.1 200 OK\r\nX-Slow: ";
  Clock::time_point end = Clock::now() + m_stall;
  std::unique_lock lock(m_mutex);
  for (size_t sent = 0; !m_stopping && Clock::now() < end; ++sent) {
    char byte = sent < start.size() ? start[sent] : 'a';
    lock.unlock();
    bool written = send(client, &byte, 1, MSG_NOSIGNAL) == 1;
    lock.lock();
    if (!written) {
      break;  // the client gave up
    }
    m_changed.wait_for(lock, m_interval, [this] { return m_stopping; });
  }
  lock.unlock();
  close(client);
}

}  // namespace cfdeploy::testing
