// A loopback HTTP(S) server that never finishes an answer in time: it reads each request,
// then sends the start of a 200 one byte per interval, every byte well within any read
// timeout, until `stall` has passed, and closes. A client that bounds only each read,
// not the whole request, waits the full stall.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using SSL_CTX = struct ssl_ctx_st;

namespace cfdeploy::testing {

class SlowServer {
public:
  /// Plain HTTP; with `cert_path` and `key_path` (PEM), HTTPS.
  SlowServer(std::chrono::milliseconds interval, std::chrono::milliseconds stall,
             const std::string& cert_path = "", const std::string& key_path = "");
  ~SlowServer();  // ends every trickle at once
  SlowServer(const SlowServer&) = delete;
  SlowServer& operator=(const SlowServer&) = delete;

  std::string base_url() const;  // http[s]://127.0.0.1:PORT/client/v4
  int requests() const { return m_requests; }
  /// Waits (up to `limit`) until at least `count` requests have arrived.
  bool wait_for_requests(int count, std::chrono::milliseconds limit) const;

private:
  void accept_loop();
  void trickle(int client);

  std::chrono::milliseconds m_interval;
  std::chrono::milliseconds m_stall;
  SSL_CTX* m_tls = nullptr;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<int> m_requests{0};
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  bool m_stopping = false;
  std::vector<std::thread> m_connections;
  std::thread m_acceptor;
};

}  // namespace cfdeploy::testing
