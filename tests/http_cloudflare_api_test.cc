// The httplib client against the fake Cloudflare API on 127.0.0.1, over HTTP and HTTPS:
// envelopes, every transport failure preflight must tell apart, TLS verification, the
// deadlines, cancelling, the size cap and the token scrubbed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "cloudflare_api.h"
#include "fake_cloudflare.h"
#include "support/slow_server.h"

namespace cfdeploy {
namespace {

using testing::FakeCloudflare;
using testing::FakeOptions;

const std::string k_token = "tok3n-Secret-Value-1234567890abcdefXYZ";

std::string temp_path(const std::string& name) {
  return "/tmp/cfdeploy-api-" + std::to_string(getpid()) + "-" + name;
}

nlohmann::ordered_json rules(const std::string& text) {
  return nlohmann::ordered_json::parse(text);
}

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::unique_ptr<CloudflareApi> api_for(HttpOptions options) {
  Result<std::unique_ptr<CloudflareApi>> api = make_http_api(std::move(options));
  EXPECT_TRUE(api.ok()) << (api.ok() ? "" : api.error().message());
  return api.ok() ? std::move(api.value()) : nullptr;
}

HttpOptions options_for(const std::string& base_url, milliseconds timeout) {
  HttpOptions options;
  options.base_url = base_url;
  options.token = k_token;
  options.total_timeout = timeout;
  return options;
}

std::unique_ptr<CloudflareApi> client(
    const std::string& base_url, const std::string& ca_file = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  HttpOptions options;
  options.base_url = base_url;
  options.token = k_token;
  options.ca_file = ca_file;
  options.total_timeout = timeout;
  Result<std::unique_ptr<CloudflareApi>> api = make_http_api(options);
  EXPECT_TRUE(api.ok()) << (api.ok() ? "" : api.error().message());
  return api.ok() ? std::move(api.value()) : nullptr;
}

const char* k_verify_ok = R"({"rules": [{"method": "GET", "path": "/client/v4/user/tokens/verify",
  "json": {"success": true, "errors": [], "result": {"id": "abc", "status": "active"},
           "messages": [{"code": 10000, "message": "This API Token is valid and active"}]}}]})";

// A certificate and key for `san` only, signed by itself, so it can be its own CA file.
void write_cert_for(const std::string& san, const std::string& cert_path,
                    const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("wrong.example"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_subject_alt_name, san.c_str()}}) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  FILE* out = std::fopen(cert_path.c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

// An HTTPS fake with a certificate for `san`; the cert file doubles as the CA file.
struct TlsFake {
  explicit TlsFake(const std::string& san, const char* scenario = k_verify_ok)
      : cert(temp_path("cert.pem")), key(temp_path("key.pem")) {
    if (san.empty()) {
      testing::generate_self_signed_cert(cert, key);
    } else {
      write_cert_for(san, cert, key);
    }
    fake = std::make_unique<FakeCloudflare>(rules(scenario), FakeOptions{0, "", cert, key});
    fake->start();
  }
  ~TlsFake() {
    fake->stop();
    std::remove(cert.c_str());
    std::remove(key.c_str());
  }
  std::string cert;
  std::string key;
  std::unique_ptr<FakeCloudflare> fake;
};

TEST(HttpCloudflareApi, ReadsTheEnvelopeAndSendsTokenAndUserAgent) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_TRUE(response.ok()) << response.summary();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.result["status"], "active");
  ASSERT_EQ(response.messages.size(), 1u);
  EXPECT_EQ(response.messages[0].code, 10000);
  std::vector<testing::RecordedRequest> seen = fake.requests();  // a copy per call
  ASSERT_EQ(seen.size(), 1u);
  std::map<std::string, std::string> headers(seen[0].headers.begin(), seen[0].headers.end());
  EXPECT_EQ(headers["Authorization"], "Bearer <redacted>");  // the fake hides the value
  EXPECT_EQ(headers["User-Agent"].rfind("cfdeploy/", 0), 0u);
}

TEST(HttpCloudflareApi, PostsJsonAndReadsErrors) {
  FakeCloudflare fake(
      rules(R"({"rules": [{"method": "POST", "path": "/client/v4/accounts/*/d1/database/*/query",
    "status": 403, "json": {"success": false, "result": null, "messages": [],
    "errors": [{"code": 7403, "message": "The given account is not valid or is not authorized to access this service"}]}}]})"));
  fake.start();
  ApiResponse response =
      client(fake.base_url())
          ->post("/accounts/a/d1/database/b/query", nlohmann::json{{"sql", "SELECT 1"}});
  EXPECT_FALSE(response.ok());
  EXPECT_FALSE(response.inconclusive());
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.error_code(), 7403);
  EXPECT_NE(response.summary().find("HTTP 403: The given account"), std::string::npos);
  EXPECT_EQ(fake.requests()[0].body, R"({"sql":"SELECT 1"})");
}

TEST(HttpCloudflareApi, HtmlErrorPageIsABadBody) {
  FakeCloudflare fake(rules(R"({"rules": [{"path": "/client/v4/**", "status": 502,
    "content_type": "text/html", "text": "<html><body>502 Bad Gateway</body></html>"}]})"));
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::bad_body);
  EXPECT_EQ(response.status, 502);
  EXPECT_TRUE(response.inconclusive());
  EXPECT_NE(response.failure_detail.find("502 Bad Gateway"), std::string::npos);
}

TEST(HttpCloudflareApi, BrokenJsonIsABadBody) {
  FakeCloudflare fake(rules(R"({"rules": [{"path": "/client/v4/**", "status": 200,
    "content_type": "application/json", "text": "{\"success\": tru"}]})"));
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::bad_body);
  EXPECT_TRUE(response.inconclusive());
}

TEST(HttpCloudflareApi, StalledServerTimesOutOnTime) {
  FakeCloudflare fake(rules(R"({"rules": [{"path": "/client/v4/**", "delay_ms": 1500,
    "json": {"success": true}}]})"));
  fake.start();
  auto start = Clock::now();
  ApiResponse response = client(fake.base_url(), "", milliseconds(300))->get("/user/tokens/verify");
  auto took = Clock::now() - start;
  EXPECT_EQ(response.failure, TransportFailure::timeout) << response.failure_detail;
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(30));
}

// One byte every 100 ms restarts any read timeout; only a deadline for the whole request ends it.
TEST(HttpCloudflareApi, HeadersThatTrickleInEndAtTheWholeRequestDeadline) {
  testing::SlowServer server(milliseconds(100), std::chrono::seconds(60));
  auto start = Clock::now();
  ApiResponse response =
      client(server.base_url(), "", milliseconds(1000))->get("/user/tokens/verify");
  auto took = Clock::now() - start;
  EXPECT_EQ(response.failure, TransportFailure::timeout) << response.failure_detail;
  EXPECT_NE(response.failure_detail.find("no complete answer from 127.0.0.1:"), std::string::npos)
      << response.failure_detail;
  EXPECT_NE(response.failure_detail.find("within the 1.0 s timeout"), std::string::npos);
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, std::chrono::seconds(30));
}

TEST(HttpCloudflareApi, AnEarlierDeadlineShortensTheTimeout) {
  testing::SlowServer server(milliseconds(100), std::chrono::seconds(60));
  HttpOptions options = options_for(server.base_url(), std::chrono::seconds(60));
  auto start = Clock::now();
  options.deadline = start + milliseconds(1000);
  ApiResponse response = api_for(options)->get("/user/tokens/verify");
  auto took = Clock::now() - start;
  EXPECT_EQ(response.failure, TransportFailure::timeout) << response.failure_detail;
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, std::chrono::seconds(30));
}

TEST(HttpCloudflareApi, APassedDeadlineSendsNothing) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  HttpOptions options = options_for(fake.base_url(), std::chrono::seconds(30));
  options.deadline = Clock::now() - milliseconds(1);
  ApiResponse response = api_for(options)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::timeout);
  EXPECT_NE(response.failure_detail.find("no time was left"), std::string::npos)
      << response.failure_detail;
  EXPECT_TRUE(fake.requests().empty());
}

TEST(HttpCloudflareApi, CancellingEndsARequestInFlight) {
  testing::SlowServer server(milliseconds(100), std::chrono::seconds(60));
  Cancellation cancellation;
  HttpOptions options = options_for(server.base_url(), std::chrono::seconds(60));
  options.cancellation = &cancellation;
  std::unique_ptr<CloudflareApi> api = api_for(options);
  std::thread canceller([&] {
    server.wait_for_requests(1, std::chrono::seconds(30));
    cancellation.cancel(15);
  });
  auto start = Clock::now();
  ApiResponse response = api->get("/user/tokens/verify");
  auto took = Clock::now() - start;
  canceller.join();
  EXPECT_EQ(response.failure, TransportFailure::cancelled) << response.failure_detail;
  EXPECT_TRUE(response.inconclusive());
  EXPECT_NE(response.failure_detail.find("was cancelled by signal 15"), std::string::npos)
      << response.failure_detail;
  EXPECT_LT(took, std::chrono::seconds(40)) << "ended by the cancel, not by the 60 s stall";
}

TEST(HttpCloudflareApi, NothingIsSentOnceCancelled) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  Cancellation cancellation;
  cancellation.cancel(2);
  HttpOptions options = options_for(fake.base_url(), std::chrono::seconds(30));
  options.cancellation = &cancellation;
  ApiResponse response = api_for(options)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::cancelled);
  EXPECT_NE(response.failure_detail.find("cancelled by signal 2"), std::string::npos);
  EXPECT_TRUE(fake.requests().empty());
}

// A loopback server that answers every request with `answer`, then closes.
class RawServer {
public:
  explicit RawServer(std::string answer) : m_answer(std::move(answer)) {
    m_listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(m_listener, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(listen(m_listener, 8), 0);
    getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~RawServer() {
    shutdown(m_listener, SHUT_RDWR);
    m_thread.join();
    close(m_listener);
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/client/v4";
  }
  size_t largest_send() const { return m_sent; }

private:
  void serve() {
    for (int client; (client = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
      std::string request;
      char buffer[4096];
      ssize_t got = 0;
      while (request.find("\r\n\r\n") == std::string::npos &&
             (got = read(client, buffer, sizeof buffer)) > 0) {
        request.append(buffer, static_cast<size_t>(got));
      }
      size_t sent = 0;
      while (sent < m_answer.size()) {
        ssize_t wrote = send(client, m_answer.data() + sent, m_answer.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0) {
          break;  // the client stopped reading and closed
        }
        sent += static_cast<size_t>(wrote);
      }
      m_sent = std::max<size_t>(m_sent, sent);
      close(client);
    }
  }

  std::string m_answer;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<size_t> m_sent{0};
  std::thread m_thread;
};

std::string envelope_of_size(size_t size) {
  std::string start = R"({"success":true,"errors":[],"messages":[],"result":")";
  std::string end = R"("})";
  return start + std::string(size - start.size() - end.size(), 'a') + end;
}

TEST(HttpCloudflareApi, AnAnswerJustUnderTheCapIsRead) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(k_max_answer_bytes) + "\r\n\r\n" +
                   envelope_of_size(k_max_answer_bytes));
  ApiResponse response = client(server.base_url())->get("/user/tokens/verify");
  EXPECT_TRUE(response.ok()) << response.summary();
}

TEST(HttpCloudflareApi, AnAnswerThatAnnouncesMoreThanTheCapIsTooLarge) {
  FakeCloudflare fake(nlohmann::ordered_json{
      {"rules",
       {{{"path", "/client/v4/**"}, {"text", envelope_of_size(k_max_answer_bytes + 1)}}}}});
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::too_large) << response.summary();
  EXPECT_TRUE(response.inconclusive());
  EXPECT_NE(response.failure_detail.find("the answer was too large: 127.0.0.1:"), std::string::npos)
      << response.failure_detail;
}

// No Content-Length: the body runs to the end of the connection, so only the cap stops it.
TEST(HttpCloudflareApi, AnAnswerWithoutALengthIsCutOffAtTheCap) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" +
                   envelope_of_size(10 * k_max_answer_bytes));
  ApiResponse response = client(server.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::too_large) << response.summary();
  EXPECT_LT(server.largest_send(), 10 * k_max_answer_bytes) << "read to the end";
}

TEST(HttpCloudflareApi, DroppedConnectionIsAReset) {
  FakeCloudflare fake(rules(R"({"rules": [{"path": "/client/v4/**", "close": true}]})"));
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::connection_reset) << response.failure_detail;
  EXPECT_TRUE(response.inconclusive());
}

TEST(HttpCloudflareApi, NobodyListeningIsConnectionRefused) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  std::string base = fake.base_url();
  fake.stop();
  ApiResponse response = client(base)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::connection_refused) << response.failure_detail;
}

TEST(HttpCloudflareApi, HttpsWithTheFakesCertificateAsCa) {
  TlsFake tls("");
  ApiResponse response = client(tls.fake->base_url(), tls.cert)->get("/user/tokens/verify");
  EXPECT_TRUE(response.ok()) << response.summary();
}

TEST(HttpCloudflareApi, HttpsRejectsAnUntrustedCertificate) {
  TlsFake tls("");
  ApiResponse response = client(tls.fake->base_url(), k_system_ca_file)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::tls);
  EXPECT_NE(response.failure_detail.find("not accepted"), std::string::npos)
      << response.failure_detail;
  EXPECT_TRUE(tls.fake->requests().empty());
}

TEST(HttpCloudflareApi, HttpsRejectsACertificateForAnotherName) {
  TlsFake tls("DNS:wrong.example");
  ApiResponse response = client(tls.fake->base_url(), tls.cert)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::tls);
  EXPECT_NE(response.failure_detail.find("not valid for the name '127.0.0.1'"), std::string::npos)
      << response.failure_detail;
  EXPECT_TRUE(tls.fake->requests().empty()) << "the request went out over an unverified link";
}

TEST(HttpCloudflareApi, HttpsToAPlainHttpServerIsATlsError) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  std::string base = "https://127.0.0.1:" + std::to_string(fake.port()) + "/client/v4";
  ApiResponse response = client(base, k_system_ca_file)->get("/user/tokens/verify");
  EXPECT_EQ(response.failure, TransportFailure::tls) << response.failure_detail;
}

TEST(HttpCloudflareApi, UnreadableCaFileIsASetupError) {
  HttpOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  Result<std::unique_ptr<CloudflareApi>> api = make_http_api(options);
  ASSERT_FALSE(api.ok());
  EXPECT_NE(api.error().message().find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(HttpCloudflareApi, TokenEchoedByTheServerIsScrubbed) {
  FakeCloudflare fake(rules(R"({"rules": [{"path": "/client/v4/**", "status": 400,
    "json": {"success": false, "errors": [{"code": 6003, "message": "bad header: Bearer )" +
                            k_token + R"("}]}}]})"));
  fake.start();
  ApiResponse response = client(fake.base_url())->get("/user/tokens/verify");
  EXPECT_EQ(response.summary().find(k_token), std::string::npos);
  EXPECT_NE(response.summary().find("Bearer ***"), std::string::npos) << response.summary();
}

TEST(HttpCloudflareApi, ConcurrentCallsAllSucceed) {
  FakeCloudflare fake(rules(k_verify_ok));
  fake.start();
  std::unique_ptr<CloudflareApi> api = client(fake.base_url());
  std::vector<std::future<ApiResponse>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(
        std::async(std::launch::async, [&] { return api->get("/user/tokens/verify"); }));
  }
  for (auto& call : calls) {
    EXPECT_TRUE(call.get().ok());
  }
  EXPECT_EQ(fake.requests().size(), 8u);
}

}  // namespace
}  // namespace cfdeploy
