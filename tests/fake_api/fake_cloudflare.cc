#include "fake_cloudflare.h"

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace cfdeploy::testing {
namespace {

constexpr size_t k_max_body_chars = 4000;
constexpr int k_max_fd_scan = 4096;
constexpr int k_start_timeout_ms = 5000;
constexpr const char* k_redacted = "Bearer <redacted>";
constexpr const char* k_rate_limited_body =
    R"({"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling )"
    R"(your request speed"}],"messages":[],"result":null})";

FakeRule no_route_rule() {
  FakeRule rule;
  rule.status = 404;
  rule.body = R"({"success":false,"errors":[{"code":7000,"message":"No route for that URI"}],)"
              R"("messages":[],"result":null})";
  rule.content_type = "application/json";
  return rule;
}

FakeRule npm_registry_rule() {
  FakeRule rule;
  rule.method = "GET";
  rule.path = "/npm-registry/**";
  rule.status = 404;
  rule.body = R"({"error":"Not found"})";
  rule.content_type = "application/json";
  return rule;
}

FakeRule parse_rule(const nlohmann::ordered_json& item, size_t index) {
  auto fail = [index](const std::string& why) {
    return std::invalid_argument("rule " + std::to_string(index) + ": " + why);
  };
  if (!item.is_object() || !item.contains("path")) {
    throw fail("needs an object with a \"path\"");
  }
  if (item.contains("json") && item.contains("text")) {
    throw fail("has both \"json\" and \"text\"");
  }
  FakeRule rule;
  rule.method = item.value("method", "");
  if (rule.method == "*") {
    rule.method.clear();
  }
  rule.path = item.at("path").get<std::string>();
  if (item.contains("times")) {
    rule.times = item.at("times").get<int>();
  }
  rule.status = item.value("status", 200);
  const nlohmann::ordered_json headers = item.value("headers", nlohmann::ordered_json::object());
  for (const auto& [name, value] : headers.items()) {
    rule.headers.emplace_back(name, value.get<std::string>());
  }
  if (item.contains("json")) {
    rule.body = item.at("json").dump();
    rule.content_type = "application/json";
  } else {
    rule.body = item.value("text", "");
    rule.content_type = "text/plain";
  }
  rule.content_type = item.value("content_type", rule.content_type);
  rule.delay_ms = item.value("delay_ms", 0);
  rule.close = item.value("close", false);
  return rule;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

std::string query_of(const httplib::Request& request) {
  size_t mark = request.target.find('?');
  return mark == std::string::npos ? "" : request.target.substr(mark + 1);
}

// httplib parses multipart bodies into `files` and leaves `body` empty, so rebuild a
// readable version of the parts (in name order, not wire order).
std::string body_of(const httplib::Request& request) {
  if (request.files.empty()) {
    return request.body;
  }
  std::string text;
  for (const auto& [name, part] : request.files) {
    text += "--part name=\"" + name + "\"";
    if (!part.filename.empty()) {
      text += " filename=\"" + part.filename + "\"";
    }
    text += " content_type=\"" + part.content_type + "\"\n" + part.content + "\n";
  }
  return text;
}

bool same_connection(int fd, const httplib::Request& request) {
  sockaddr_storage peer{};
  sockaddr_storage self{};
  socklen_t peer_len = sizeof(peer);
  socklen_t self_len = sizeof(self);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&self), &self_len) != 0 ||
      peer.ss_family != AF_INET) {
    return false;
  }
  auto peer_port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
  auto self_port = ntohs(reinterpret_cast<sockaddr_in*>(&self)->sin_port);
  return peer_port == request.remote_port && self_port == request.local_port;
}

// httplib has no API to abandon a request, so find this connection's socket and shut it
// down: the client sees the connection close with no response, and httplib's write fails.
void drop_connection(const httplib::Request& request) {
  if (request.ssl != nullptr) {
    shutdown(SSL_get_fd(request.ssl), SHUT_RDWR);
    return;
  }
  for (int fd = 0; fd < k_max_fd_scan; ++fd) {
    if (same_connection(fd, request)) {
      shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

// httplib adds the socket addresses to the request headers; they are not from the client.
bool is_pseudo_header(const std::string& name) {
  return name == "LOCAL_ADDR" || name == "LOCAL_PORT" || name == "REMOTE_ADDR" ||
         name == "REMOTE_PORT";
}

RecordedRequest describe(const httplib::Request& request) {
  RecordedRequest entry;
  entry.method = request.method;
  entry.path = request.path;
  entry.query = query_of(request);
  for (const auto& [name, value] : request.headers) {
    if (is_pseudo_header(name)) {
      continue;
    }
    bool secret = strcasecmp(name.c_str(), "Authorization") == 0;
    entry.headers.emplace_back(name, secret ? k_redacted : value);
  }
  entry.body = body_of(request).substr(0, k_max_body_chars);
  return entry;
}

bool uses_tls(const FakeOptions& options) {
  return !options.cert_path.empty() && !options.key_path.empty();
}

std::unique_ptr<httplib::Server> make_server(const FakeOptions& options) {
  if (!uses_tls(options)) {
    return std::make_unique<httplib::Server>();
  }
  auto server =
      std::make_unique<httplib::SSLServer>(options.cert_path.c_str(), options.key_path.c_str());
  if (!server->is_valid()) {
    throw std::runtime_error("cannot load TLS cert/key: " + options.cert_path + ", " +
                             options.key_path);
  }
  return server;
}

// The pattern ".*" on every method makes httplib read the body before calling us, which
// a pre-routing handler would not.
void route_everything(httplib::Server& server, const httplib::Server::Handler& handler) {
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
}

// httplib's stop() does nothing until the listen loop has started, so wait for it.
void wait_until_running(const httplib::Server& server) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_start_timeout_ms);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int bind_loopback(httplib::Server& server, int port) {
  if (port == 0) {
    return server.bind_to_any_port("127.0.0.1");
  }
  return server.bind_to_port("127.0.0.1", port) ? port : -1;
}

}  // namespace

RateLimit parse_rate_limit(const std::string& text) {
  auto fail = [&text]() {
    return std::invalid_argument("rate limit '" + text +
                                 "': give REQUESTS/SECONDS, both whole and above 0, e.g. 60/10");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
      text.find_first_not_of("0123456789/") != std::string::npos ||
      text.find('/', slash + 1) != std::string::npos || slash > 6 || text.size() - slash > 7) {
    throw fail();
  }
  RateLimit limit;
  limit.requests = std::stoi(text.substr(0, slash));
  limit.window = std::chrono::seconds(std::stoi(text.substr(slash + 1)));
  if (limit.requests <= 0 || limit.window.count() <= 0) {
    throw fail();
  }
  return limit;
}

nlohmann::ordered_json load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot open scenario " + path);
  }
  try {
    return nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("bad JSON in " + path + ": " + error.what());
  }
}

std::vector<FakeRule> parse_rules(const nlohmann::ordered_json& scenario) {
  if (!scenario.is_object() || !scenario.contains("rules") || !scenario["rules"].is_array()) {
    throw std::invalid_argument("scenario needs a \"rules\" array");
  }
  std::vector<FakeRule> rules;
  for (const auto& item : scenario["rules"]) {
    rules.push_back(parse_rule(item, rules.size()));
  }
  return rules;
}

bool path_matches(const std::string& pattern, const std::string& path) {
  auto want = split_path(pattern);
  auto have = split_path(path);
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "**" && i + 1 == want.size()) {
      return true;
    }
    if (i >= have.size() || (want[i] != "*" && want[i] != have[i])) {
      return false;
    }
  }
  return want.size() == have.size();
}

nlohmann::ordered_json to_json(const RecordedRequest& entry) {
  nlohmann::ordered_json headers = nlohmann::ordered_json::object();
  for (const auto& [name, value] : entry.headers) {
    headers[name] = value;
  }
  return {{"method", entry.method}, {"path", entry.path}, {"query", entry.query},
          {"headers", headers},     {"body", entry.body}, {"rule", entry.rule_index},
          {"status", entry.status}};
}

FakeCloudflare::FakeCloudflare(const nlohmann::ordered_json& scenario, FakeOptions options)
    : m_rules(parse_rules(scenario)), m_options(std::move(options)) {
  m_rules.push_back(npm_registry_rule());
  m_answered.assign(m_rules.size(), 0);
}

FakeCloudflare::~FakeCloudflare() { stop(); }

void FakeCloudflare::start() {
  if (m_server) {
    throw std::logic_error("FakeCloudflare::start called twice");
  }
  if (!m_options.log_path.empty()) {
    m_log.open(m_options.log_path, std::ios::app);
    if (!m_log) {
      throw std::runtime_error("cannot open log " + m_options.log_path);
    }
  }
  m_server = make_server(m_options);
  route_everything(*m_server, [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  });
  m_port = bind_loopback(*m_server, m_options.port);
  if (m_port <= 0) {
    throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(m_options.port));
  }
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  wait_until_running(*m_server);
}

void FakeCloudflare::stop() {
  if (m_server) {
    m_server->stop();
  }
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

std::string FakeCloudflare::base_url() const {
  std::string scheme = uses_tls(m_options) ? "https" : "http";
  return scheme + "://127.0.0.1:" + std::to_string(m_port) + "/client/v4";
}

std::vector<RecordedRequest> FakeCloudflare::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::optional<size_t> FakeCloudflare::take_rule(const std::string& method,
                                                const std::string& path) {
  std::lock_guard lock(m_mutex);
  for (size_t i = 0; i < m_rules.size(); ++i) {
    const auto& rule = m_rules[i];
    bool live = !rule.times || m_answered[i] < *rule.times;
    bool method_ok = rule.method.empty() || rule.method == method;
    if (live && method_ok && path_matches(rule.path, path)) {
      ++m_answered[i];
      return i;
    }
  }
  return std::nullopt;
}

FakeStats FakeCloudflare::stats() const {
  std::lock_guard lock(m_mutex);
  return FakeStats{m_requests.size(), m_refused};
}

std::optional<std::chrono::milliseconds> FakeCloudflare::take_from_bucket(
    const std::string& token) {
  using std::chrono::duration;
  const RateLimit& limit = m_rate_limit;
  double per_ms = limit.requests / static_cast<double>(limit.window.count());
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(m_mutex);
  auto [bucket, added] = m_buckets.try_emplace(token, Bucket{double(limit.requests), now});
  Bucket& held = bucket->second;
  double elapsed_ms = duration<double, std::milli>(now - held.filled_at).count();
  held.requests = std::min<double>(limit.requests, held.requests + elapsed_ms * per_ms);
  held.filled_at = now;
  if (held.requests >= 1) {
    held.requests -= 1;
    return std::nullopt;
  }
  ++m_refused;
  return std::chrono::milliseconds(static_cast<long>(std::ceil((1 - held.requests) / per_ms)));
}

// True when the rate limit refused the request; the answer is then in `response`.
bool FakeCloudflare::refuse_over_limit(const httplib::Request& request, httplib::Response& response,
                                       RecordedRequest& entry) {
  std::string token = request.get_header_value("Authorization");
  if (m_rate_limit.requests <= 0 || token.empty()) {
    return false;
  }
  std::optional<std::chrono::milliseconds> wait = take_from_bucket(token);
  if (!wait) {
    return false;
  }
  long seconds = std::max<long>(1, (wait->count() + 999) / 1000);
  response.status = 429;
  response.set_header("Retry-After", std::to_string(seconds));
  response.set_content(k_rate_limited_body, "application/json");
  entry.status = 429;
  return true;
}

void FakeCloudflare::handle(const httplib::Request& request, httplib::Response& response) {
  RecordedRequest entry = describe(request);
  if (refuse_over_limit(request, response, entry)) {
    record(std::move(entry));
    return;
  }
  auto index = take_rule(request.method, request.path);
  const FakeRule rule = index ? m_rules[*index] : no_route_rule();
  entry.rule_index = index ? static_cast<int>(*index) : -1;
  if (rule.delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(rule.delay_ms));
  }
  if (rule.close) {
    record(std::move(entry));
    drop_connection(request);
    return;
  }
  response.status = rule.status;
  for (const auto& [name, value] : rule.headers) {
    response.set_header(name, value);
  }
  response.set_content(rule.body, rule.content_type);
  entry.status = rule.status;
  record(std::move(entry));
}

void FakeCloudflare::record(RecordedRequest entry) {
  std::lock_guard lock(m_mutex);
  if (m_log.is_open()) {
    m_log << to_json(entry).dump() << '\n' << std::flush;
  }
  m_requests.push_back(std::move(entry));
}

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) {
    X509_EXTENSION_free(ext);
    throw std::runtime_error("cannot add certificate extension");
  }
  X509_EXTENSION_free(ext);
}

X509Ptr make_cert(EVP_PKEY* key) {
  constexpr long k_ten_years = 10L * 365 * 24 * 3600;
  X509Ptr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), k_ten_years);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // CA:TRUE lets the certificate be its own trust anchor (NODE_EXTRA_CA_CERTS, or
  // httplib's set_ca_cert_path) without a separate CA.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign certificate");
  }
  return cert;
}

void write_pem(const std::string& path, const std::function<int(FILE*)>& writer) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    throw std::runtime_error("cannot write " + path);
  }
  int ok = writer(file);
  std::fclose(file);
  if (ok != 1) {
    throw std::runtime_error("cannot write PEM to " + path);
  }
}

}  // namespace

void generate_self_signed_cert(const std::string& cert_path, const std::string& key_path) {
  PkeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) {
    throw std::runtime_error("cannot generate EC key");
  }
  X509Ptr cert = make_cert(key.get());
  write_pem(key_path, [&](FILE* file) {
    return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(cert_path, [&](FILE* file) { return PEM_write_X509(file, cert.get()); });
}

}  // namespace cfdeploy::testing
