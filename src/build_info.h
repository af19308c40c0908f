// What was built: the version and the git commit, filled in by the build.
#pragma once

#include <string_view>

namespace cfdeploy {

std::string_view build_version();
/// The commit the binary was built from ("unknown" outside a git checkout).
std::string_view build_commit();
/// SHA-256 (first 16 hex digits) over src/, cmake/ and CMakeLists.txt.
std::string_view build_source_digest();

}  // namespace cfdeploy
