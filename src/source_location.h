// A place in one of the project's files, where a report points: a configuration
// value, a migration. Also the Locator type, which finds one for a finding.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace cfdeploy {

struct Finding;

struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0: the file as a whole

  std::string text() const { return file + ":" + std::to_string(line); }  // "wrangler.toml:7"
};

/// Where a finding points in the repository, if anywhere (the file
/// repository-relative when it is inside GITHUB_WORKSPACE).
using Locator = std::function<std::optional<SourceLocation>(const Finding&)>;

}  // namespace cfdeploy
