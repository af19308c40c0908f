// Case folding for matching: ASCII letters only, so that UTF-8 text and any
// other byte passes through unchanged whatever the locale.
#pragma once

#include <string>

namespace cfdeploy {

/// `text` with A-Z turned into a-z.
std::string to_lower(std::string text);

}  // namespace cfdeploy
