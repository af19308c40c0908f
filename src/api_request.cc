#include "api_request.h"

#include <algorithm>
#include <cctype>

namespace cfdeploy {
namespace {

std::string outcome(const ApiResponse& response) {
  if (response.status == 0) {
    return std::string(to_string(response.failure));
  }
  std::optional<int> code = response.error_code();
  return std::to_string(response.status) + (code ? " [code: " + std::to_string(*code) + "]" : "");
}

}  // namespace

ApiRequest send_api_request(CloudflareApi& api, const std::string& method, const std::string& path,
                            const nlohmann::json& body) {
  ApiRequest sent{method + " " + path, method == "GET" ? api.get(path) : api.post(path, body)};
  sent.line += " -> " + outcome(sent.response);
  return sent;
}

std::string api_string(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object.at(key).is_string()) {
    return "";
  }
  return object.at(key).get<std::string>();
}

bool credential_refused(const ApiResponse& response) {
  return response.status == 400 || response.status == 401 || response.status == 403 ||
         response.has_error_code(1000) || response.has_error_code(9106);
}

bool is_account_id(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

bool is_database_id(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace cfdeploy
