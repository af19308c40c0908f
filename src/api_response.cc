#include "api_response.h"

#include <algorithm>
#include <cctype>

#include "json_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

constexpr size_t k_excerpt_chars = 100;

// Cloudflare's answers nest a few levels; the tree of a far deeper one would overflow the
// stack when it is copied or printed.
constexpr int k_max_answer_depth = 256;

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

}  // namespace

ApiResponse parse_api_response(int status, const std::string& body,
                               const std::string& content_type) {
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
    response.failure_detail =
        "HTTP " + std::to_string(status) + " with a body that is not a Cloudflare JSON answer" +
        (content_type.empty() ? "" : " (" + content_type + ")") + ": " + excerpt(body);
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

ApiResponse parse_json_response(int status, const std::string& body,
                                const std::string& content_type) {
  ApiResponse response;
  response.status = status;
  json parsed = body.empty() || json_nesting_past(body, k_max_answer_depth)
                    ? json()
                    : json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || (parsed.is_null() && !body.empty())) {
    response.failure = TransportFailure::bad_body;
    response.failure_detail = "HTTP " + std::to_string(status) + " with a body that is not JSON" +
                              (content_type.empty() ? "" : " (" + content_type + ")") + ": " +
                              excerpt(body);
    return response;
  }
  response.success = status >= 200 && status < 300;
  if (parsed.is_object() && parsed.contains("message") && parsed.at("message").is_string()) {
    response.errors.push_back({0, parsed.at("message").get<std::string>()});
  }
  response.result = std::move(parsed);
  return response;
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

std::string scrub_secret(std::string text, std::string_view secret) {
  if (secret.empty()) {
    return text;
  }
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

ApiResponse scrub_secret_from_response(ApiResponse response, std::string_view secret) {
  response.failure_detail = scrub_secret(std::move(response.failure_detail), secret);
  for (auto* list : {&response.errors, &response.messages}) {
    for (ApiMessage& message : *list) {
      message.message = scrub_secret(std::move(message.message), secret);
    }
  }
  return response;
}

}  // namespace cfdeploy
