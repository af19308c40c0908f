#include "support/slow_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <memory>
#include <stdexcept>

namespace cfdeploy::testing {

using Clock = std::chrono::steady_clock;

namespace {

SSL_CTX* tls_context(const std::string& cert_path, const std::string& key_path) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr || SSL_CTX_use_certificate_chain_file(context, cert_path.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(context);
    throw std::runtime_error("cannot load TLS cert/key: " + cert_path + ", " + key_path);
  }
  return context;
}

// One connection's reads and writes, in the clear or over TLS.
struct Link {
  std::function<ssize_t(char*, size_t)> read;
  std::function<bool(char)> write_byte;
};

}  // namespace

SlowServer::SlowServer(std::chrono::milliseconds interval, std::chrono::milliseconds stall,
                       const std::string& cert_path, const std::string& key_path)
    : m_interval(interval), m_stall(stall) {
  if (!cert_path.empty() && !key_path.empty()) {
    m_tls = tls_context(cert_path, key_path);
  }
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
  SSL_CTX_free(m_tls);
}

std::string SlowServer::base_url() const {
  return std::string(m_tls != nullptr ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(m_port) + "/client/v4";
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
  // SSL_write to a client that left raises SIGPIPE; blocked, it stays with this thread and
  // ends with it instead of ending the test process.
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> tls(nullptr, SSL_free);
  Link link{[client](char* buffer, size_t size) { return read(client, buffer, size); },
            [client](char byte) { return send(client, &byte, 1, MSG_NOSIGNAL) == 1; }};
  if (m_tls != nullptr) {
    tls.reset(SSL_new(m_tls));
    SSL_set_fd(tls.get(), client);
    if (SSL_accept(tls.get()) != 1) {
      close(client);
      return;
    }
    link.read = [ssl = tls.get()](char* buffer, size_t size) {
      return static_cast<ssize_t>(SSL_read(ssl, buffer, static_cast<int>(size)));
    };
    link.write_byte = [ssl = tls.get()](char byte) { return SSL_write(ssl, &byte, 1) == 1; };
  }
  std::string request;
  char buffer[4096];
  ssize_t got = 0;
  while (request.find("\r\n\r\n") == std::string::npos &&
         (got = link.read(buffer, sizeof buffer)) > 0) {
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
    bool written = link.write_byte(byte);
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
