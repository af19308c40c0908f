// The numbered steps of a fix, as the text report, the step summary, the
// catalogue page and the annotations print them: "1. first", "2. second".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

/// Each item on a line of its own, numbered from 1 after `indent`, each line
/// ending in a line break: "  1. first\n  2. second\n".
std::string numbered_lines(const std::vector<std::string>& items, std::string_view indent = "");

/// Each item numbered from 1 on a line of its own, each line starting with a
/// line break, to follow a heading: "\n1. first\n2. second".
std::string numbered_lines_after(const std::vector<std::string>& items);

}  // namespace cfdeploy
