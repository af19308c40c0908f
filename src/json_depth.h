// How deeply a JSON text nests, found by a byte scan before any tree is built.
// nlohmann's parser is iterative, but copying, dumping and walking the tree it
// builds recurse once per level: an answer nested a hundred thousand deep would
// overflow the stack.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace cfdeploy {

/// The offset of the first `{` or `[` in `text` that opens a level deeper than
/// `max_depth` (brackets inside strings do not count), or nullopt. Works on any
/// text, valid JSON or not.
std::optional<size_t> json_nesting_past(std::string_view text, int max_depth);

}  // namespace cfdeploy
