// How deeply a TOML text nests, found by a scan of the raw text before toml++ builds
// its tree: toml++ recurses once per dotted-key segment, so `a.a.a…a = 1` with tens of
// thousands of segments overflows the stack inside the parser itself.
#pragma once

#include <optional>
#include <string_view>

namespace cfdeploy {

/// The line of the first key, table header or inline array/table that puts a value
/// deeper than `max_depth` (the root table is level 1, each dotted-key segment, header
/// segment, array element and inline-table key one more), or nullopt. Quoted keys and
/// strings count as text; comments are skipped. Works on any text, valid TOML or not.
std::optional<int> toml_nesting_past(std::string_view text, int max_depth);

}  // namespace cfdeploy
