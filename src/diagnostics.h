// cfdeploy's own messages on stderr, each with one recognisable prefix.
#pragma once

#include <string>

namespace cfdeploy {

void print_error(const std::string& message);    // "cfdeploy: error: …"
void print_warning(const std::string& message);  // "cfdeploy: warning: …"
void print_note(const std::string& message);     // "cfdeploy: …"

/// `text` with the values of the Cloudflare credentials in the environment
/// (CLOUDFLARE_API_TOKEN, CLOUDFLARE_API_KEY) replaced by "***".
std::string redact_secrets(std::string text);

}  // namespace cfdeploy
