// The CloudflareApi that make_http_api returns: cpp-httplib over OpenSSL, a fresh client per
// request, each request ended by its deadline or a cancellation (RequestWatchdog), answers
// capped at k_max_answer_bytes, and the token scrubbed from whatever comes back. The only
// file that includes httplib and OpenSSL.
#include <fcntl.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include "build_info.h"
#include "cloudflare_api.h"
#include "duration_text.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

ApiResponse failed(TransportFailure kind, std::string detail) {
  ApiResponse response;
  response.failure = kind;
  response.failure_detail = std::move(detail);
  return response;
}

// A Content-Length past the cap: the answer is refused before any of its body is read.
bool announces_too_much(const httplib::Response& response) {
  std::string length = response.get_header_value("Content-Length");
  uint64_t bytes = 0;
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bytes);
  return error == std::errc::result_out_of_range ||
         (error == std::errc() && bytes > k_max_answer_bytes);
}

// Ends one request when its deadline passes or the run is cancelled, whichever comes first,
// by shutting down the request's sockets: whatever httplib waits for then (the connection,
// TLS, the headers, the body) fails at once. A read timeout alone cannot do this, as it
// restarts with every byte. The watchdog shuts down duplicates of the sockets, never
// httplib's own descriptors, so it cannot reach a number that httplib closed and another
// thread reused.
class RequestWatchdog {
public:
  enum class Stop { none, deadline, cancelled };

  RequestWatchdog(Clock::time_point deadline, Cancellation* cancellation)
      : m_deadline(deadline), m_cancellation(cancellation) {
    if (m_cancellation != nullptr) {
      m_cancel_id = m_cancellation->on_cancel([this] {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_wake.notify_all();
      });
    }
    m_thread = std::thread([this] { watch(); });
  }
  ~RequestWatchdog() {
    if (m_cancellation != nullptr) {
      m_cancellation->forget(m_cancel_id);
    }
    {
      std::lock_guard lock(m_mutex);
      m_done = true;
      m_wake.notify_all();
    }
    m_thread.join();
    for (int socket : m_sockets) {
      close(socket);
    }
  }
  RequestWatchdog(const RequestWatchdog&) = delete;
  RequestWatchdog& operator=(const RequestWatchdog&) = delete;

  // httplib's socket-options hook: called on the requesting thread for every new socket.
  void adopt(int socket) {
    int copy = fcntl(socket, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
      return;  // out of descriptors: the read timeout still bounds each wait
    }
    std::lock_guard lock(m_mutex);
    m_sockets.push_back(copy);
    if (m_stopped != Stop::none) {
      shutdown(copy, SHUT_RDWR);
    }
  }

  Stop stopped() const {
    std::lock_guard lock(m_mutex);
    return m_stopped;
  }

private:
  void watch() {
    std::unique_lock lock(m_mutex);
    m_wake.wait_until(lock, m_deadline, [this] { return m_done || m_cancelled; });
    if (m_done) {
      return;
    }
    m_stopped = m_cancelled ? Stop::cancelled : Stop::deadline;
    for (int socket : m_sockets) {
      shutdown(socket, SHUT_RDWR);
    }
  }

  Clock::time_point m_deadline;
  Cancellation* m_cancellation;
  int m_cancel_id = -1;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_done = false;
  bool m_cancelled = false;
  Stop m_stopped = Stop::none;
  std::vector<int> m_sockets;
  std::thread m_thread;
};

// OpenSSL writes to its socket without MSG_NOSIGNAL, and after the watchdog shut a socket
// down httplib still sends TLS's close_notify on it: the SIGPIPE that raises would end the
// process. While a request runs, SIGPIPE stays blocked in its thread; one it raised there is
// then taken and dropped, so the failed write is just an error.
class SigpipeBlocked {
public:
  SigpipeBlocked() {
    sigemptyset(&m_sigpipe);
    sigaddset(&m_sigpipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m_sigpipe, &m_previous);
    m_was_pending = sigpipe_pending();
  }
  ~SigpipeBlocked() {
    if (!m_was_pending && sigpipe_pending()) {
      timespec no_wait{};
      while (sigtimedwait(&m_sigpipe, nullptr, &no_wait) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
  static bool sigpipe_pending() {
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1;
  }

  sigset_t m_sigpipe{};
  sigset_t m_previous{};
  bool m_was_pending = false;
};

// Sends requests with a fresh cpp-httplib client each time, so concurrent calls share nothing.
class HttpCloudflareApi final : public CloudflareApi {
public:
  HttpCloudflareApi(HttpOptions options, BaseUrl base, std::optional<ProxySetting> proxy)
      : m_options(std::move(options)), m_base(std::move(base)), m_proxy(std::move(proxy)) {}

  ApiResponse get(const std::string& path) override { return send("GET", path, ""); }
  ApiResponse post(const std::string& path, const json& body) override {
    return send("POST", path, body.dump());
  }

private:
  ApiResponse send(const std::string& method, const std::string& path, const std::string& body) {
    ApiResponse response;
    try {
      SigpipeBlocked sigpipe_blocked;
      response = exchange(method, path, body);
    } catch (const std::exception& e) {
      response = failed(TransportFailure::other, std::string("request failed: ") + e.what());
    }
    return scrub_secret_from_response(std::move(response), m_options.token);
  }

  ApiResponse exchange(const std::string& method, const std::string& path,
                       const std::string& body) {
    Clock::time_point start = Clock::now();
    Clock::time_point deadline = start + m_options.total_timeout;
    if (m_options.deadline) {
      deadline = std::min(deadline, *m_options.deadline);
    }
    auto limit = std::chrono::duration_cast<milliseconds>(deadline - start);
    if (int signal = cancelled()) {
      return cancelled_failure(signal);
    }
    if (limit <= milliseconds(0)) {
      return failed(TransportFailure::timeout,
                    "no time was left to ask " + where() + ": the step's --timeout had run out");
    }
    std::unique_ptr<httplib::ClientImpl> client = make_client(limit);
    httplib::Request request = make_request(method, path, body);
    std::string answer;
    bool too_large = false;
    request.response_handler = [&too_large](const httplib::Response& response) {
      too_large = announces_too_much(response);
      return !too_large;
    };
    request.content_receiver = [&answer, &too_large](const char* data, size_t size, uint64_t,
                                                     uint64_t) {
      too_large = answer.size() + size > k_max_answer_bytes;
      if (!too_large) {
        answer.append(data, size);
      }
      return !too_large;
    };
    RequestWatchdog watchdog(deadline, m_options.cancellation);
    client->set_socket_options([&watchdog](socket_t socket) { watchdog.adopt(socket); });
    httplib::Result result = client->send(request);
    if (result && !too_large) {
      std::string content_type = result->get_header_value("Content-Type");
      return m_options.answer_format == AnswerFormat::plain_json
                 ? parse_json_response(result->status, answer, content_type)
                 : parse_api_response(result->status, answer, content_type);
    }
    if (too_large) {
      return failed(TransportFailure::too_large,
                    "the answer was too large: " + where() + " sent more than " +
                        std::to_string(k_max_answer_bytes >> 20) + " MiB");
    }
    switch (watchdog.stopped()) {
      case RequestWatchdog::Stop::cancelled:
        return cancelled_failure(cancelled());
      case RequestWatchdog::Stop::deadline:
        return failed(TransportFailure::timeout, "no complete answer from " + where() +
                                                     " within the " + tenths_text(limit) +
                                                     " timeout");
      case RequestWatchdog::Stop::none:
        break;
    }
    auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return transport_failure(*client, result.error(), elapsed, limit);
  }

  httplib::Request make_request(const std::string& method, const std::string& path,
                                const std::string& body) const {
    httplib::Request request;
    request.method = method;
    request.path = m_base.prefix + path;
    request.headers = {{"Authorization", "Bearer " + m_options.token},
                       {"User-Agent", "cfdeploy/" + std::string(build_version())},
                       {"Accept", m_options.accept}};
    for (const auto& [name, value] : m_options.headers) {
      request.headers.emplace(name, value);
    }
    if (method != "GET") {
      request.body = body;
      request.headers.emplace("Content-Type", "application/json");
    }
    return request;
  }

  int cancelled() const {
    return m_options.cancellation != nullptr ? m_options.cancellation->signal() : 0;
  }

  ApiResponse cancelled_failure(int signal) const {
    return failed(
        TransportFailure::cancelled,
        "the request to " + where() + " was cancelled by signal " + std::to_string(signal));
  }

  std::string where() const { return m_base.host + ":" + std::to_string(m_base.port); }

  std::unique_ptr<httplib::ClientImpl> make_client(milliseconds limit) const {
    std::unique_ptr<httplib::ClientImpl> client;
    if (m_base.https) {
      auto tls = std::make_unique<httplib::SSLClient>(m_base.host, m_base.port);
      tls->set_ca_cert_path(m_options.ca_file);
      tls->enable_server_certificate_verification(true);  // also checks the host name
      client = std::move(tls);
    } else {
      client = std::make_unique<httplib::ClientImpl>(m_base.host, m_base.port);
    }
    // Each wait is bounded too, though the watchdog ends the request at its deadline anyway.
    client->set_connection_timeout(std::min(m_options.connect_timeout, limit));
    client->set_read_timeout(limit);
    client->set_write_timeout(limit);
    client->set_keep_alive(false);
    client->set_url_encode(false);  // paths are built already encoded
    if (m_proxy) {
      client->set_proxy(m_proxy->host, m_proxy->port);
      if (!m_proxy->user.empty()) {
        client->set_proxy_basic_auth(m_proxy->user, m_proxy->password);
      }
    }
    return client;
  }

  ApiResponse transport_failure(httplib::ClientImpl& client, httplib::Error error,
                                milliseconds elapsed, milliseconds limit) const {
    std::string where = this->where();
    std::string seconds = tenths_text(limit);
    switch (error) {
      case httplib::Error::ConnectionTimeout:
        return failed(TransportFailure::timeout,
                      "connecting to " + where + " took longer than the connect timeout");
      case httplib::Error::Connection:
        return failed(TransportFailure::connection_refused,
                      "could not connect to " + where +
                          " (refused, unreachable, or the name did not resolve)");
      case httplib::Error::Read:
      case httplib::Error::Write:
        if (elapsed + milliseconds(50) >= limit) {
          return failed(TransportFailure::timeout,
                        "no complete answer from " + where + " within the " + seconds + " timeout");
        }
        return failed(TransportFailure::connection_reset,
                      "the connection to " + where + " closed before a complete answer");
      case httplib::Error::SSLConnection:
        return failed(TransportFailure::tls,
                      "the TLS handshake with " + where + " failed (is it an HTTPS server?)");
      case httplib::Error::SSLLoadingCerts:
        return failed(TransportFailure::tls,
                      "cannot load CA certificates from '" + m_options.ca_file + "'");
      case httplib::Error::SSLServerVerification:
        return failed(TransportFailure::tls, certificate_problem(client));
      default:
        return failed(TransportFailure::other,
                      "request to " + where + " failed: " + httplib::to_string(error));
    }
  }

  std::string certificate_problem(httplib::ClientImpl& client) const {
    auto* tls = dynamic_cast<httplib::SSLClient*>(&client);
    long verify = tls != nullptr ? tls->get_openssl_verify_result() : X509_V_OK;
    if (verify != X509_V_OK) {
      return "the server's certificate was not accepted: " +
             std::string(X509_verify_cert_error_string(verify)) + " (trusted CAs from '" +
             m_options.ca_file + "')";
    }
    return "the server's certificate is not valid for the name '" + m_base.host + "'";
  }

  HttpOptions m_options;
  BaseUrl m_base;
  std::optional<ProxySetting> m_proxy;
};

}  // namespace

Result<std::unique_ptr<CloudflareApi>> make_http_api(HttpOptions options) {
  Result<BaseUrl> base = parse_base_url(options.base_url);
  if (!base) {
    return base.error();
  }
  Result<std::optional<ProxySetting>> proxy = proxy_for(base.value(), options.proxy);
  if (!proxy) {
    return proxy.error();
  }
  if (base.value().https) {
    // OpenSSL is set up here, not at program start, so that commands that never make a
    // request do not pay for it (the static build drops cpp-httplib's start-up SSLInit).
    // Idempotent and thread-safe; the error strings make TLS failures readable.
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
    options.ca_file = effective_ca_file(options.ca_file);
    if (!std::ifstream(options.ca_file)) {
      return Error{"reading the CA certificates '" + options.ca_file + "'",
                   system_error_text(errno)};
    }
  }
  return std::unique_ptr<CloudflareApi>(std::make_unique<HttpCloudflareApi>(
      std::move(options), std::move(base.value()), std::move(proxy.value())));
}

}  // namespace cfdeploy
