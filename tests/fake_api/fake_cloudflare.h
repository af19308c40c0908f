// FakeCloudflare: a scripted stand-in for the Cloudflare v4 API on 127.0.0.1, used to
// drive the real wrangler CLI (and cfdeploy) into known failures. It answers from a table
// of rules and records every request it saw.
//
// Scenario format (JSON; bodies are sent with their keys in file order):
//   {"rules": [
//     {"method": "POST",                       // optional; missing or "*" = any method
//      "path": "/client/v4/accounts/*/d1/database/*/query",
//      "times": 2,                             // optional; answer this many matches, then skip
//      "status": 403,                          // optional; default 200
//      "headers": {"Retry-After": "30"},       // optional extra response headers
//      "json": {...}},                         // body sent as application/json
//     {"method": "GET", "path": "/client/v4/**", "status": 502,
//      "text": "<html>...</html>",             // raw body; "content_type" defaults to text/plain
//      "content_type": "text/html",
//      "delay_ms": 100},                       // optional; wait before answering
//     {"path": "/client/v4/**", "close": true} // drop the connection without answering
//   ]}
// Paths are matched against the request path without the query string. In a pattern `*`
// matches exactly one segment and `**` (last segment only) matches the rest, including
// nothing. The first live matching rule wins. A built-in rule placed after the scenario's
// rules answers `GET /npm-registry/**` with 404 (wrangler's update check, pointed here with
// `npm_registry=`). Anything else gets 404 with a Cloudflare envelope, code 7000.
//
// With limit_rate() called before start(), each API token (the Authorization header) gets a token
// bucket of `requests` that refills evenly over `window`, like Cloudflare's per-token limit
// scaled down. A request with an empty bucket is refused before the rules are looked at: 429,
// code 971 and a Retry-After header giving the whole seconds until the bucket has a request
// again. Refused requests do not drain the bucket. Requests without a token are not limited.
#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace cfdeploy::testing {

struct FakeRule {
  std::string method;  // empty = any
  std::string path;
  std::optional<int> times;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
  int delay_ms = 0;
  bool close = false;
};

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int rule_index = -1;  // -1: no rule matched
  int status = 0;       // 0: connection dropped without an answer
};

struct RateLimit {
  int requests = 0;  // 0: no limit
  std::chrono::milliseconds window{0};
};

// What the fake has answered so far, for a benchmark's summary.
struct FakeStats {
  size_t requests = 0;
  size_t refused = 0;  // by the rate limit
};

struct FakeOptions {
  int port = 0;  // 0: let the kernel pick a free port
  std::string log_path;
  std::string cert_path;  // HTTPS when both cert and key are set
  std::string key_path;
};

class FakeCloudflare {
public:
  explicit FakeCloudflare(const nlohmann::ordered_json& scenario, FakeOptions options = {});
  ~FakeCloudflare();
  FakeCloudflare(const FakeCloudflare&) = delete;
  FakeCloudflare& operator=(const FakeCloudflare&) = delete;

  // Binds 127.0.0.1 and serves from a background thread. Throws std::runtime_error.
  void start();
  void limit_rate(RateLimit limit) { m_rate_limit = limit; }
  void stop();

  int port() const { return m_port; }
  std::string base_url() const;  // e.g. http://127.0.0.1:8788/client/v4
  std::vector<RecordedRequest> requests() const;
  const std::vector<FakeRule>& rules() const { return m_rules; }
  FakeStats stats() const;

private:
  void handle(const httplib::Request& request, httplib::Response& response);
  std::optional<size_t> take_rule(const std::string& method, const std::string& path);
  void record(RecordedRequest entry);
  // Takes one request from the token's bucket; the wait until one is free if it is empty.
  std::optional<std::chrono::milliseconds> take_from_bucket(const std::string& token);
  bool refuse_over_limit(const httplib::Request& request, httplib::Response& response,
                         RecordedRequest& entry);

  struct Bucket {
    double requests = 0;
    std::chrono::steady_clock::time_point filled_at;
  };

  std::vector<FakeRule> m_rules;
  std::vector<int> m_answered;  // per rule, how many requests it has answered
  FakeOptions m_options;
  RateLimit m_rate_limit;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  int m_port = 0;
  mutable std::mutex m_mutex;
  std::vector<RecordedRequest> m_requests;
  std::map<std::string, Bucket> m_buckets;
  size_t m_refused = 0;
  std::ofstream m_log;
};

// Reads a scenario file; throws std::runtime_error if it is missing or not JSON.
nlohmann::ordered_json load_scenario_file(const std::string& path);

// Parses the "rules" array of a scenario; throws std::invalid_argument on a bad rule.
std::vector<FakeRule> parse_rules(const nlohmann::ordered_json& scenario);

// True if `path` matches `pattern` (`*` = one segment, trailing `**` = the rest).
bool path_matches(const std::string& pattern, const std::string& path);

// One request as the JSON object written to the log file.
nlohmann::ordered_json to_json(const RecordedRequest& entry);

// Parses "REQUESTS/SECONDS" (e.g. "60/10"); throws std::invalid_argument.
RateLimit parse_rate_limit(const std::string& text);

// Writes a self-signed certificate (SAN 127.0.0.1 and localhost, valid 10 years) and its
// private key as PEM files. Throws std::runtime_error.
void generate_self_signed_cert(const std::string& cert_path, const std::string& key_path);

}  // namespace cfdeploy::testing
