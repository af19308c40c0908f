// Reading cfdeploy's environment: one variable at a time, set or not, and the
// directory for temporary files.
#pragma once

#include <optional>
#include <string>

namespace cfdeploy {

/// The value of `name`; nullopt when it is not set (set and empty is "").
std::optional<std::string> env_value(const char* name);

/// The value of `name`, or "" when it is not set.
std::string env_or_empty(const char* name);

/// The directory for temporary files: $TMPDIR, or /tmp when it is unset or empty.
std::string temp_dir();

}  // namespace cfdeploy
