#include "diagnostics.h"

#include <unistd.h>

#include <iostream>

#include "bounded_output.h"
#include "workflow_commands.h"

namespace cfdeploy {

std::string diagnostic_line(std::string_view prefix, const std::string& message) {
  return std::string(prefix) + escape_log_line(redact_secrets(message)) + "\n";
}

namespace {

// During a step with a --timeout, a stderr reader that stopped reading cannot hold us
// past the step's output deadline.
void print_line(const std::string& line) {
  if (output_deadline()) {
    (void)write_output(STDERR_FILENO, line);
    return;
  }
  std::cerr << line << std::flush;
}

}  // namespace

void print_error(const std::string& message) {
  print_line(diagnostic_line("cfdeploy: error: ", message));
}

void print_warning(const std::string& message) {
  print_line(diagnostic_line("cfdeploy: warning: ", message));
}

void print_note(const std::string& message) { print_line(diagnostic_line("cfdeploy: ", message)); }

}  // namespace cfdeploy
