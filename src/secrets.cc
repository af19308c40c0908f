#include "secrets.h"

#include <algorithm>
#include <array>

#include "environment.h"

namespace cfdeploy {
namespace {

constexpr std::array<const char*, 2> k_credential_variables = {"CLOUDFLARE_API_TOKEN",
                                                               "CLOUDFLARE_API_KEY"};

void add_forms(std::vector<std::string>& values, const std::string& raw) {
  for (const std::string& form : {raw, trim_http_whitespace(raw)}) {
    if (form.size() >= k_min_secret_length &&
        std::find(values.begin(), values.end(), form) == values.end()) {
      values.push_back(form);
    }
  }
}

void replace_all(std::string& text, std::string_view secret) {
  static constexpr std::string_view k_mask = "***";
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + k_mask.size())) {
    text.replace(at, secret.size(), k_mask);
  }
}

nlohmann::json redacted(const nlohmann::json& value) {
  if (value.is_string()) {
    return redact_secrets(value.get<std::string>());
  }
  if (value.is_array()) {
    nlohmann::json copy = nlohmann::json::array();
    for (const nlohmann::json& item : value) {
      copy.push_back(redacted(item));
    }
    return copy;
  }
  if (value.is_object()) {
    nlohmann::json copy = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
      copy[redact_secrets(key)] = redacted(item);
    }
    return copy;
  }
  return value;
}

}  // namespace

std::string trim_http_whitespace(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  size_t last = text.find_last_not_of(" \t\r\n");
  return first == std::string_view::npos ? "" : std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> secret_values(bool with_account_id) {
  std::vector<std::string> values;
  for (const char* name : k_credential_variables) {
    if (std::optional<std::string> value = env_value(name)) {
      add_forms(values, *value);
    }
  }
  if (std::optional<std::string> value = env_value(k_github_token_variable)) {
    add_forms(values, *value);
  }
  if (with_account_id) {
    if (std::optional<std::string> account = env_value("CLOUDFLARE_ACCOUNT_ID")) {
      add_forms(values, *account);
    }
  }
  // The raw form first: redacting the trimmed one first would leave its whitespace behind.
  std::stable_sort(values.begin(), values.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return values;
}

std::optional<std::string> short_secret_problem() {
  for (const char* name : k_credential_variables) {
    std::string value = trim_http_whitespace(env_value(name).value_or(""));
    if (!value.empty() && value.size() < k_min_secret_length) {
      return std::string(name) + " is only " + std::to_string(value.size()) +
             " character(s) long, too short to be a Cloudflare credential and too short to "
             "mask in the log (the runner would hide every occurrence of it): set it to the "
             "whole token";
    }
  }
  return std::nullopt;
}

std::string redact_secrets(std::string text) {
  for (const std::string& secret : secret_values()) {
    replace_all(text, secret);
  }
  return text;
}

std::string redacted_json_text(const nlohmann::json& value) {
  return redacted(value).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cfdeploy
