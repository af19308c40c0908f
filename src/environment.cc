#include "environment.h"

#include <cstdlib>

namespace cfdeploy {

std::optional<std::string> env_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

std::string env_or_empty(const char* name) { return env_value(name).value_or(""); }

std::string temp_dir() {
  std::string dir = env_or_empty("TMPDIR");
  return dir.empty() ? "/tmp" : dir;
}

}  // namespace cfdeploy
