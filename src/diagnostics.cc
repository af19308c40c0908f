#include "diagnostics.h"

#include <iostream>

#include "workflow_commands.h"

namespace cfdeploy {

std::string diagnostic_line(std::string_view prefix, const std::string& message) {
  return std::string(prefix) + escape_log_line(redact_secrets(message)) + "\n";
}

void print_error(const std::string& message) {
  std::cerr << diagnostic_line("cfdeploy: error: ", message) << std::flush;
}

void print_warning(const std::string& message) {
  std::cerr << diagnostic_line("cfdeploy: warning: ", message) << std::flush;
}

void print_note(const std::string& message) {
  std::cerr << diagnostic_line("cfdeploy: ", message) << std::flush;
}

}  // namespace cfdeploy
