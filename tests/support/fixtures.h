// Access to the recorded fixtures under tests/fixtures/ and to the source tree.
#pragma once

#include <string>

namespace cfdeploy::testing {

/// Path of a file below the source tree, e.g. "tests/fixtures/wrangler/x.log".
std::string source_path(const std::string& relative);

/// Whole contents of a file; empty when it cannot be read (the caller asserts what it needs).
std::string read_whole_file(const std::string& path);

/// Whole contents of a file below the source tree; fails the test if unreadable.
std::string read_source_file(const std::string& relative);

/// A recorded wrangler log, by case name ("d1-apply-7403").
std::string wrangler_fixture(const std::string& name);

}  // namespace cfdeploy::testing
