#include "duration_text.h"

#include <cstdio>

namespace cfdeploy {

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  (void)std::snprintf(text, sizeof(text), "%.1f s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

std::string tenths_text(std::chrono::milliseconds duration) {
  long tenths = static_cast<long>(duration.count() / 100);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string short_seconds_text(std::chrono::milliseconds duration) {
  long tenths = static_cast<long>(duration.count() / 100);
  if (tenths % 10 == 0) {
    return std::to_string(tenths / 10) + " s";
  }
  return tenths_text(duration);
}

}  // namespace cfdeploy
