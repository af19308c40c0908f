#include "diagnostics.h"

#include <array>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace cfdeploy {
namespace {

constexpr std::array<const char*, 2> k_secret_variables = {"CLOUDFLARE_API_TOKEN",
                                                           "CLOUDFLARE_API_KEY"};
// Shorter values would blank out ordinary words.
constexpr size_t k_min_secret_length = 6;

void replace_all(std::string& text, std::string_view secret) {
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

}  // namespace

void print_error(const std::string& message) {
  std::cerr << "cfdeploy: error: " << redact_secrets(message) << std::endl;
}

void print_warning(const std::string& message) {
  std::cerr << "cfdeploy: warning: " << redact_secrets(message) << std::endl;
}

void print_note(const std::string& message) {
  std::cerr << "cfdeploy: " << redact_secrets(message) << std::endl;
}

std::string redact_secrets(std::string text) {
  for (const char* name : k_secret_variables) {
    const char* value = std::getenv(name);
    if (value != nullptr && std::string_view(value).size() >= k_min_secret_length) {
      replace_all(text, value);
    }
  }
  return text;
}

}  // namespace cfdeploy
