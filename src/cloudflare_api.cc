#include "cloudflare_api.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "build_info.h"
#include "json_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t k_excerpt_chars = 100;

std::string env_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (std::string value = env_value(name); !value.empty()) {
      return value;
    }
  }
  return "";
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The start of a body for a message: one line, printable characters only.
std::string excerpt(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, k_excerpt_chars)) {
    bool blank =
        std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c));
    if (!blank || (!out.empty() && out.back() != ' ')) {
      out += blank ? ' ' : c;
    }
  }
  return body.size() > k_excerpt_chars ? out + "…" : out;
}

std::vector<ApiMessage> messages_of(const json& envelope, const char* key) {
  std::vector<ApiMessage> list;
  if (!envelope.contains(key) || !envelope.at(key).is_array()) {
    return list;
  }
  for (const json& item : envelope.at(key)) {
    ApiMessage message;
    if (item.is_string()) {
      message.message = item.get<std::string>();
    } else if (item.is_object()) {
      if (item.contains("code") && item.at("code").is_number_integer()) {
        message.code = item.at("code").get<int>();
      }
      if (item.contains("message") && item.at("message").is_string()) {
        message.message = item.at("message").get<std::string>();
      }
    }
    list.push_back(std::move(message));
  }
  return list;
}

// Cloudflare's answers nest a few levels; the tree of a far deeper one would overflow the
// stack when it is copied or printed.
constexpr int k_max_answer_depth = 256;

ApiResponse parse_envelope(int status, const std::string& body, const std::string& type) {
  ApiResponse response;
  response.status = status;
  if (json_nesting_past(body, k_max_answer_depth)) {
    response.failure = TransportFailure::bad_body;
    response.failure_detail = "HTTP " + std::to_string(status) +
                              " with a body that is not a Cloudflare JSON answer (nested more "
                              "than " +
                              std::to_string(k_max_answer_depth) + " levels deep)";
    return response;
  }
  json envelope = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (envelope.is_discarded() || !envelope.is_object() || !envelope.contains("success")) {
    response.failure = TransportFailure::bad_body;
    response.failure_detail = "HTTP " + std::to_string(status) +
                              " with a body that is not a Cloudflare JSON answer" +
                              (type.empty() ? "" : " (" + type + ")") + ": " + excerpt(body);
    return response;
  }
  // Neither a success nor a refusal: nothing about the request can be read from it.
  if (!envelope.at("success").is_boolean()) {
    response.failure = TransportFailure::bad_body;
    response.failure_detail = "HTTP " + std::to_string(status) +
                              " with a \"success\" field that is not true or false: " +
                              excerpt(envelope.at("success").dump());
    return response;
  }
  response.success = envelope.at("success").get<bool>();
  response.result = envelope.contains("result") ? envelope.at("result") : json();
  response.errors = messages_of(envelope, "errors");
  response.messages = messages_of(envelope, "messages");
  return response;
}

ApiResponse failed(TransportFailure kind, std::string detail) {
  ApiResponse response;
  response.failure = kind;
  response.failure_detail = std::move(detail);
  return response;
}

bool is_loopback(std::string host) {
  host = lower(host);
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") ||
         host == "::1" || host == "[::1]";
}

bool no_proxy_matches(const std::string& no_proxy, const std::string& host) {
  std::string name = lower(host);
  std::string list = lower(no_proxy);
  std::replace(list.begin(), list.end(), ',', ' ');
  std::istringstream entries(list);
  for (std::string entry; entries >> entry;) {
    entry = entry.substr(0, entry.find(':'));
    entry.erase(0, entry.starts_with("*.") ? 2 : entry.starts_with(".") ? 1 : 0);
    if (entry == "*" || name == entry || name.ends_with("." + entry)) {
      return true;
    }
  }
  return false;
}

Result<ProxySetting> parse_proxy(std::string url) {
  std::string scheme = lower(url.substr(0, url.find("://")));
  if (url.find("://") != std::string::npos) {
    if (scheme != "http") {
      return Error{"using the proxy from HTTPS_PROXY/HTTP_PROXY",
                   "only http:// proxies are supported, not " + scheme + "://"};
    }
    url.erase(0, url.find("://") + 3);
  }
  url = url.substr(0, url.find('/'));
  ProxySetting proxy;
  if (size_t at = url.rfind('@'); at != std::string::npos) {
    std::string user = url.substr(0, at);
    proxy.user = user.substr(0, user.find(':'));
    proxy.password = user.find(':') == std::string::npos ? "" : user.substr(user.find(':') + 1);
    url.erase(0, at + 1);
  }
  size_t colon = url.rfind(':');
  if (colon != std::string::npos && url.find(']', colon) == std::string::npos) {
    const char* digits = url.data() + colon + 1;
    int port = 0;
    auto [end, error] = std::from_chars(digits, url.data() + url.size(), port);
    bool whole = error == std::errc() && end == url.data() + url.size();
    proxy.port = whole ? port : 0;  // "host:abc" is refused below, not taken as port 80
    url.erase(colon);
  }
  proxy.host = url;
  if (proxy.host.empty() || proxy.port <= 0 || proxy.port > 65535) {
    return Error{"using the proxy from HTTPS_PROXY/HTTP_PROXY", "not a host:port proxy address"};
  }
  return proxy;
}

// A Content-Length past the cap: the answer is refused before any of its body is read.
bool announces_too_much(const httplib::Response& response) {
  std::string length = response.get_header_value("Content-Length");
  uint64_t bytes = 0;
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bytes);
  return error == std::errc::result_out_of_range ||
         (error == std::errc() && bytes > k_max_answer_bytes);
}

std::string seconds_text(milliseconds duration) {
  std::string seconds = std::to_string(static_cast<double>(duration.count()) / 1000);
  return seconds.substr(0, seconds.find('.') + 2) + " s";
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
    response.failure_detail = scrub_secret(response.failure_detail, m_options.token);
    for (auto* list : {&response.errors, &response.messages}) {
      for (ApiMessage& message : *list) {
        message.message = scrub_secret(message.message, m_options.token);
      }
    }
    return response;
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
      return parse_envelope(result->status, answer, result->get_header_value("Content-Type"));
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
                                                     " within the " + seconds_text(limit) +
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
                       {"Accept", "application/json"}};
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
    std::string seconds = seconds_text(limit);
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

ApiResponse parse_api_response(int status, const std::string& body,
                               const std::string& content_type) {
  return parse_envelope(status, body, content_type);
}

std::string_view to_string(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::none:
      return "none";
    case TransportFailure::timeout:
      return "timeout";
    case TransportFailure::connection_refused:
      return "connection refused";
    case TransportFailure::connection_reset:
      return "connection reset";
    case TransportFailure::tls:
      return "TLS error";
    case TransportFailure::bad_body:
      return "bad body";
    case TransportFailure::too_large:
      return "too large";
    case TransportFailure::cancelled:
      return "cancelled";
    case TransportFailure::other:
      break;
  }
  return "other";
}

bool ApiResponse::ok() const {
  return failure == TransportFailure::none && status >= 200 && status < 300 && success;
}

bool ApiResponse::inconclusive() const {
  return failure != TransportFailure::none || status >= 500 || status == 429 || status == 0;
}

std::optional<int> ApiResponse::error_code() const {
  for (const ApiMessage& error : errors) {
    if (error.code != 0) {
      return error.code;
    }
  }
  return std::nullopt;
}

bool ApiResponse::has_error_code(int code) const {
  return std::any_of(errors.begin(), errors.end(),
                     [code](const ApiMessage& error) { return error.code == code; });
}

std::string ApiResponse::summary() const {
  if (failure != TransportFailure::none) {
    return failure_detail;
  }
  std::string text = "HTTP " + std::to_string(status);
  for (size_t i = 0; i < errors.size(); ++i) {
    text += (i == 0 ? ": " : "; ") + errors[i].message;
    if (errors[i].code != 0) {
      text += " [code: " + std::to_string(errors[i].code) + "]";
    }
  }
  return text;
}

Result<BaseUrl> parse_base_url(std::string_view url) {
  Error bad{"reading the API base URL '" + std::string(url) + "'",
            "expected http://HOST[:PORT][/PATH] or https://…"};
  std::string rest(url);
  BaseUrl base;
  std::string scheme = lower(rest.substr(0, rest.find("://")));
  if (rest.find("://") == std::string::npos || (scheme != "http" && scheme != "https")) {
    return bad;
  }
  base.https = scheme == "https";
  base.port = base.https ? 443 : 80;
  rest.erase(0, scheme.size() + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  base.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!base.prefix.empty() && base.prefix.back() == '/') {
    base.prefix.pop_back();
  }
  size_t bracket = authority.find(']');
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) ||
        std::stoi(port) == 0 || std::stoi(port) > 65535) {
      return bad;
    }
    base.port = std::stoi(port);
    authority.erase(colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  base.host = authority;
  if (base.host.empty() || base.host.find_first_of("@ ") != std::string::npos) {
    return bad;
  }
  return base;
}

ProxyEnvironment ProxyEnvironment::from_environment() {
  // Lower case first, as wrangler's HTTP stack (undici) reads them.
  return ProxyEnvironment{first_set({"https_proxy", "HTTPS_PROXY"}),
                          first_set({"http_proxy", "HTTP_PROXY"}),
                          first_set({"no_proxy", "NO_PROXY"})};
}

Result<std::optional<ProxySetting>> proxy_for(const BaseUrl& target,
                                              const ProxyEnvironment& environment) {
  std::string url = target.https && !environment.https_proxy.empty() ? environment.https_proxy
                                                                     : environment.http_proxy;
  if (url.empty() || is_loopback(target.host) ||
      no_proxy_matches(environment.no_proxy, target.host)) {
    return std::optional<ProxySetting>();
  }
  Result<ProxySetting> proxy = parse_proxy(url);
  if (!proxy) {
    return proxy.error();
  }
  return std::optional<ProxySetting>(proxy.value());
}

HttpOptions http_options_from_environment() {
  HttpOptions options;
  // CF_API_BASE_URL is the older name wrangler still accepts.
  std::string base = first_set({"CLOUDFLARE_API_BASE_URL", "CF_API_BASE_URL"});
  if (!base.empty()) {
    options.base_url = base;
  }
  options.proxy = ProxyEnvironment::from_environment();
  return options;
}

std::string effective_ca_file(const std::string& ca_file) {
  if (!ca_file.empty()) {
    return ca_file;
  }
  std::string from_environment = env_value("SSL_CERT_FILE");
  return from_environment.empty() ? k_system_ca_file : from_environment;
}

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
    options.ca_file = effective_ca_file(options.ca_file);
    if (!std::ifstream(options.ca_file)) {
      return Error{"reading the CA certificates '" + options.ca_file + "'",
                   system_error_text(errno)};
    }
  }
  return std::unique_ptr<CloudflareApi>(std::make_unique<HttpCloudflareApi>(
      std::move(options), std::move(base.value()), std::move(proxy.value())));
}

std::string scrub_secret(std::string text, std::string_view secret) {
  if (secret.empty()) {
    return text;
  }
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace cfdeploy
